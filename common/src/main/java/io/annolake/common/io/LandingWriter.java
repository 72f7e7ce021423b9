package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.privacy.Redaction;
import io.annolake.common.schema.ReasonCode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes landing files the way labeling tools deliver them, in any {@link LandingFormat}. Records
 * whose {@code bad_kind} is MALFORMED_RECORD are written as broken lines (text formats only).
 * Columns named {@code bad_kind}, {@code true_label} and {@code anomaly} are hidden truth and never
 * written.
 */
public final class LandingWriter {
  private static final List<String> HIDDEN = List.of("bad_kind", "true_label", "anomaly");
  private static final int ARROW_BATCH = 65_536;

  private LandingWriter() {}

  /** Writes the records into {@code dir} (replacing it) as part files of the format. */
  public static void write(Dataset<Row> records, LandingFormat format, String dir) {
    boolean hasBadKind = List.of(records.columns()).contains("bad_kind");
    Column malformed =
        hasBadKind ? col("bad_kind").eqNullSafe(ReasonCode.MALFORMED_RECORD.name()) : lit(false);
    List<String> visible = new ArrayList<>();
    for (String c : records.columns()) {
      if (!HIDDEN.contains(c)) {
        visible.add(c);
      }
    }
    Dataset<Row> data = records.withColumn("_malformed", malformed);
    switch (format) {
      case JSON -> {
        Column json = to_json(struct(visible.stream().map(c -> col(c)).toArray(Column[]::new)));
        Dataset<String> lines =
            data.select(
                    when(col("_malformed"), json.substr(lit(1), length(json).divide(2).cast("int")))
                        .otherwise(json))
                .as(Encoders.STRING());
        writeLines(lines, dir, format, null);
      }
      case CSV -> {
        Column[] all =
            visible.stream().map(c -> csvField(records.schema().apply(c))).toArray(Column[]::new);
        Column[] truncated = new Column[Math.max(1, all.length - 3)];
        System.arraycopy(all, 0, truncated, 0, truncated.length);
        Dataset<String> lines =
            data.select(
                    when(col("_malformed"), concat_ws(",", truncated))
                        .otherwise(concat_ws(",", all)))
                .as(Encoders.STRING());
        writeLines(lines, dir, format, String.join(",", visible));
      }
      case PARQUET ->
          records
              .select(visible.stream().map(c -> col(c)).toArray(Column[]::new))
              .write()
              .mode("overwrite")
              .parquet(dir);
      case ARROW ->
          writeArrow(records.select(visible.stream().map(c -> col(c)).toArray(Column[]::new)), dir);
    }
  }

  /** A CSV field: text quoted (quotes doubled), timestamps ISO-8601 UTC, null empty. */
  private static Column csvField(StructField field) {
    Column c = col(field.name());
    if (field.dataType() == DataTypes.TimestampType) {
      return when(c.isNull(), lit("")).otherwise(date_format(c, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"));
    }
    if (field.dataType() == DataTypes.StringType) {
      return when(c.isNull(), lit(""))
          .otherwise(concat(lit("\""), regexp_replace(c, "\"", "\"\""), lit("\"")));
    }
    return when(c.isNull(), lit("")).otherwise(c.cast("string"));
  }

  private static void writeLines(
      Dataset<String> lines, String dir, LandingFormat format, String header) {
    Dataset<String> out = lines;
    if (header != null) {
      out =
          lines.mapPartitions(
              (MapPartitionsFunction<String, String>)
                  it -> {
                    List<String> first = Collections.singletonList(header);
                    return chain(first.iterator(), it);
                  },
              Encoders.STRING());
    }
    out.write().mode("overwrite").option("compression", "none").text(dir);
    renameParts(lines.sparkSession(), dir, format.extension());
  }

  private static <T> Iterator<T> chain(Iterator<T> a, Iterator<T> b) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return a.hasNext() || b.hasNext();
      }

      @Override
      public T next() {
        return a.hasNext() ? a.next() : b.next();
      }
    };
  }

  /** Spark names text part files .txt; landing files carry their format's extension. */
  private static void renameParts(SparkSession spark, String dir, String extension) {
    try {
      Path path = new Path(dir);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (FileStatus s : fs.listStatus(path)) {
        String name = s.getPath().getName();
        if (name.startsWith("part-") && name.endsWith(".txt")) {
          fs.rename(s.getPath(), new Path(path, name.substring(0, name.length() - 4) + extension));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rename part files in " + dir, e);
    }
  }

  /**
   * Makes the one part file Spark wrote into {@code partsDir} (a single partition) the file {@code
   * target}, replacing it, and removes {@code partsDir}.
   */
  public static void moveSinglePart(Configuration hadoop, String partsDir, String target) {
    try {
      Path parts = new Path(partsDir);
      Path to = new Path(target);
      FileSystem fs = parts.getFileSystem(hadoop);
      fs.delete(to, false);
      for (FileStatus s : fs.listStatus(parts)) {
        if (s.getPath().getName().startsWith("part-")) {
          if (!fs.rename(s.getPath(), to)) {
            throw new IOException("Cannot move " + s.getPath() + " to " + to);
          }
          break;
        }
      }
      fs.delete(parts, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + Redaction.uri(target), e);
    }
  }

  /** Writes a small list of lines as one file (driver side; for schemas and summaries). */
  public static void writeSmallFile(Configuration hadoop, String file, List<String> lines) {
    try {
      Path path = new Path(file);
      FileSystem fs = path.getFileSystem(hadoop);
      try (OutputStream out = fs.create(path, true)) {
        for (String line : lines) {
          out.write(line.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  // ---------------------------------------------------------------- Arrow IPC file format

  /** Writes flat rows as Arrow IPC files, one per partition, into {@code dir} (replacing it). */
  public static void writeArrow(Dataset<Row> records, String dir) {
    SparkSession spark = records.sparkSession();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      Path path = new Path(dir);
      FileSystem fs = path.getFileSystem(hadoop);
      fs.delete(path, true);
      fs.mkdirs(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + dir, e);
    }
    StructType schema = records.schema();
    Map<String, String> conf = new HashMap<>();
    hadoop.forEach(e -> conf.put(e.getKey(), e.getValue()));
    records.foreachPartition(
        (ForeachPartitionFunction<Row>)
            rows -> {
              Configuration c = new Configuration(false);
              conf.forEach(c::set);
              String file = String.format("%s/part-%05d.arrow", dir, TaskContext.getPartitionId());
              writeArrowFile(schema, rows, file, c);
            });
  }

  private static void writeArrowFile(
      StructType schema, Iterator<Row> rows, String file, Configuration hadoop) throws IOException {
    List<Field> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      fields.add(Field.nullable(f.name(), arrowType(f)));
    }
    Path path = new Path(file);
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        OutputStream out = path.getFileSystem(hadoop).create(path, true);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
      writer.start();
      root.allocateNew();
      int n = 0;
      while (rows.hasNext()) {
        Row row = rows.next();
        for (int i = 0; i < fields.size(); i++) {
          setArrow(root.getVector(i), n, row.isNullAt(i) ? null : row.get(i));
        }
        if (++n == ARROW_BATCH) {
          root.setRowCount(n);
          writer.writeBatch();
          root.allocateNew();
          n = 0;
        }
      }
      if (n > 0) {
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    }
  }

  private static ArrowType arrowType(StructField f) {
    if (f.dataType() == DataTypes.TimestampType) {
      return new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
    }
    if (f.dataType() == DataTypes.LongType) {
      return new ArrowType.Int(64, true);
    }
    if (f.dataType() == DataTypes.IntegerType) {
      return new ArrowType.Int(32, true);
    }
    if (f.dataType() == DataTypes.DoubleType || f.dataType() == DataTypes.FloatType) {
      return new ArrowType.FloatingPoint(
          org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE);
    }
    if (f.dataType() == DataTypes.BooleanType) {
      return ArrowType.Bool.INSTANCE;
    }
    if (f.dataType() == DataTypes.DateType) {
      return new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY);
    }
    if (f.dataType() instanceof DecimalType d) {
      return new ArrowType.Decimal(d.precision(), d.scale(), 128);
    }
    return ArrowType.Utf8.INSTANCE;
  }

  private static void setArrow(FieldVector v, int i, Object value) {
    if (value == null) {
      v.setNull(i);
    } else if (v instanceof TimeStampMilliTZVector ts) {
      ts.setSafe(i, ((Timestamp) value).getTime());
    } else if (v instanceof BigIntVector b) {
      b.setSafe(i, ((Number) value).longValue());
    } else if (v instanceof IntVector in) {
      in.setSafe(i, ((Number) value).intValue());
    } else if (v instanceof org.apache.arrow.vector.Float8Vector f) {
      f.setSafe(i, ((Number) value).doubleValue());
    } else if (v instanceof org.apache.arrow.vector.BitVector b) {
      b.setSafe(i, ((Boolean) value) ? 1 : 0);
    } else if (v instanceof org.apache.arrow.vector.DateDayVector d) {
      d.setSafe(i, (int) ((java.sql.Date) value).toLocalDate().toEpochDay());
    } else if (v instanceof DecimalVector d) {
      d.setSafe(i, ((BigDecimal) value).setScale(d.getScale()));
    } else {
      ((VarCharVector) v).setSafe(i, value.toString().getBytes(StandardCharsets.UTF_8));
    }
  }
}
