package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.annolake.common.privacy.Redaction;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RecordKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.SeekableReadChannel;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads landing files of any {@link LandingFormat} into the landing schema of a {@link
 * RecordKind}: the kind's canonical fields as strings (null when absent), the source file and
 * position, the raw record, and whether it was malformed. Nothing is dropped: a line that does not
 * parse comes out with {@code malformed = true} and its raw text.
 *
 * <p>Text formats are read line by line (multi-line quoted CSV fields are not supported); the
 * position is the line's byte offset. For Parquet and Arrow it is the row index in the file.
 */
public final class LandingReader {
  private LandingReader() {}

  /** Reads the files (of any mix of formats) into one DataFrame of the kind's landing schema. */
  public static Dataset<Row> read(SparkSession spark, RecordKind kind, List<LandingFile> files) {
    StructType schema = Columns.landingSchema(kind);
    Dataset<Row> all = spark.createDataFrame(List.of(), schema);
    Map<LandingFormat, List<LandingFile>> byFormat = new HashMap<>();
    files.forEach(f -> byFormat.computeIfAbsent(f.format(), k -> new ArrayList<>()).add(f));
    for (Map.Entry<LandingFormat, List<LandingFile>> e : byFormat.entrySet()) {
      Dataset<Row> part =
          switch (e.getKey()) {
            case JSON, CSV -> readText(spark, kind, e.getValue(), e.getKey());
            case PARQUET -> readParquet(spark, kind, e.getValue());
            case ARROW -> readArrow(spark, kind, e.getValue());
          };
      all = all.unionByName(part);
    }
    // the path is stored in bronze and rejected_records: never with the credentials of its URI
    return all.withColumn(Columns.SOURCE_FILE, Redaction.uri(col(Columns.SOURCE_FILE)));
  }

  // ---------------------------------------------------------------- text: JSON Lines and CSV

  private static Dataset<Row> readText(
      SparkSession spark, RecordKind kind, List<LandingFile> files, LandingFormat format) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = new Configuration(jsc.hadoopConfiguration());
    Map<String, String[]> headers = new HashMap<>();
    Path[] paths = new Path[files.size()];
    for (int i = 0; i < files.size(); i++) {
      paths[i] = new Path(files.get(i).path());
      if (format == LandingFormat.CSV) {
        headers.put(files.get(i).path(), csvHeader(hadoop, paths[i]));
      }
    }
    try {
      Job job = Job.getInstance(hadoop);
      FileInputFormat.setInputPaths(job, paths);
      hadoop = job.getConfiguration();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> lines =
        (JavaNewHadoopRDD<LongWritable, Text>)
            jsc.newAPIHadoopRDD(hadoop, TextInputFormat.class, LongWritable.class, Text.class);
    Broadcast<Map<String, String[]>> headerBroadcast = jsc.broadcast(headers);
    List<String> fields = kind.fields();
    JavaRDD<Row> rows =
        lines.mapPartitionsWithInputSplit(
            (split, it) -> {
              String file = ((FileSplit) split).getPath().toString();
              LineParser parser =
                  format == LandingFormat.JSON
                      ? new JsonLineParser(kind)
                      : new CsvLineParser(kind, headerBroadcast.value().get(file), file);
              return parseLines(it, file, format, fields.size(), parser);
            },
            false);
    return spark.createDataFrame(rows, Columns.landingSchema(kind));
  }

  private static Iterator<Row> parseLines(
      Iterator<Tuple2<LongWritable, Text>> it,
      String file,
      LandingFormat format,
      int fieldCount,
      LineParser parser) {
    String formatName = format.cliName();
    return new Iterator<>() {
      private Row next = advance();

      private Row advance() {
        while (it.hasNext()) {
          Tuple2<LongWritable, Text> t = it.next();
          long offset = t._1().get();
          String line = t._2().toString();
          if (offset == 0 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
            line = line.substring(1);
          }
          if (line.isBlank() || (format == LandingFormat.CSV && offset == 0)) {
            continue; // blank lines and the CSV header are not records
          }
          Object[] values = new Object[fieldCount + 6];
          String problem = parser.parse(line, values);
          values[fieldCount] = file;
          values[fieldCount + 1] = offset;
          values[fieldCount + 2] = formatName;
          values[fieldCount + 3] = line;
          values[fieldCount + 4] = problem != null;
          values[fieldCount + 5] = problem;
          return RowFactory.create(values);
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Row next() {
        Row r = next;
        next = advance();
        return r;
      }
    };
  }

  private static String[] csvHeader(Configuration hadoop, Path path) {
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      var codec = new CompressionCodecFactory(hadoop).getCodec(path);
      try (FSDataInputStream raw = fs.open(path);
          BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(
                      codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8))) {
        String first = reader.readLine();
        if (first == null) {
          return new String[0];
        }
        if (!first.isEmpty() && first.charAt(0) == '\uFEFF') {
          first = first.substring(1);
        }
        String[] header = newCsvParser(delimiter(path.getName())).parseLine(first);
        return header == null ? new String[0] : header;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the header of " + path, e);
    }
  }

  static char delimiter(String fileName) {
    String n = fileName.toLowerCase();
    return n.endsWith(".tsv") || n.endsWith(".tsv.gz") ? '\t' : ',';
  }

  static CsvParser newCsvParser(char delimiter) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(delimiter);
    settings.getFormat().setLineSeparator("\n");
    settings.setNullValue(null);
    settings.setEmptyValue(null);
    settings.setMaxCharsPerColumn(1 << 20);
    settings.setMaxColumns(4096);
    return new CsvParser(settings);
  }

  /** Parses one line into the kind's canonical fields; returns a problem or null. */
  private interface LineParser {
    String parse(String line, Object[] values);
  }

  private static final class JsonLineParser implements LineParser {
    private final ObjectMapper mapper = new ObjectMapper();
    private final RecordKind kind;

    JsonLineParser(RecordKind kind) {
      this.kind = kind;
    }

    @Override
    public String parse(String line, Object[] values) {
      JsonNode node;
      try {
        node = mapper.readTree(line);
      } catch (JsonProcessingException e) {
        return "invalid JSON: " + e.getOriginalMessage();
      }
      if (node == null || !node.isObject()) {
        return "not a JSON object";
      }
      fillFromJson(kind, node, values);
      return null;
    }
  }

  static void fillFromJson(RecordKind kind, JsonNode node, Object[] values) {
    List<String> fields = kind.fields();
    node.fields()
        .forEachRemaining(
            e -> {
              String canonical = kind.canonical(e.getKey());
              if (canonical != null) {
                JsonNode v = e.getValue();
                values[fields.indexOf(canonical)] =
                    v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
              }
            });
  }

  private static final class CsvLineParser implements LineParser {
    private final CsvParser parser;
    private final int[] targets;

    CsvLineParser(RecordKind kind, String[] header, String file) {
      this.parser = newCsvParser(delimiter(file));
      this.targets = new int[header.length];
      for (int i = 0; i < header.length; i++) {
        String canonical = header[i] == null ? null : kind.canonical(header[i]);
        targets[i] = canonical == null ? -1 : kind.fields().indexOf(canonical);
      }
    }

    @Override
    public String parse(String line, Object[] values) {
      String[] tokens;
      try {
        tokens = parser.parseLine(line);
      } catch (RuntimeException e) {
        return "invalid CSV: " + e.getMessage().lines().findFirst().orElse("");
      }
      if (tokens == null || tokens.length != targets.length) {
        return "expected " + targets.length + " fields, found " + (tokens == null ? 0 : tokens.length);
      }
      for (int i = 0; i < tokens.length; i++) {
        if (targets[i] >= 0) {
          values[targets[i]] = tokens[i];
        }
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- Parquet

  private static Dataset<Row> readParquet(SparkSession spark, RecordKind kind, List<LandingFile> files) {
    String[] paths = files.stream().map(LandingFile::path).toArray(String[]::new);
    Dataset<Row> df = spark.read().option("mergeSchema", "true").parquet(paths);
    Map<String, String> sourceColumn = new HashMap<>();
    for (String c : df.columns()) {
      String canonical = kind.canonical(c);
      if (canonical != null) {
        sourceColumn.putIfAbsent(canonical, c);
      }
    }
    List<Column> out = new ArrayList<>();
    for (String f : kind.fields()) {
      String c = sourceColumn.get(f);
      out.add((c == null ? lit(null) : col("`" + c + "`")).cast("string").as(f));
    }
    Column[] all = new Column[df.columns().length];
    for (int i = 0; i < all.length; i++) {
      all[i] = col("`" + df.columns()[i] + "`");
    }
    out.add(col("_metadata.file_path").as(Columns.SOURCE_FILE));
    out.add(col("_metadata.row_index").as(Columns.SOURCE_POSITION));
    out.add(lit(LandingFormat.PARQUET.cliName()).as(Columns.SOURCE_FORMAT));
    out.add(to_json(struct(all)).as(Columns.RAW_RECORD));
    out.add(lit(false).as(Columns.MALFORMED));
    out.add(lit(null).cast("string").as(Columns.MALFORMED_DETAIL));
    return df.select(out.toArray(Column[]::new));
  }

  // ---------------------------------------------------------------- Arrow IPC (file format)

  private static Dataset<Row> readArrow(SparkSession spark, RecordKind kind, List<LandingFile> files) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> paths = files.stream().map(LandingFile::path).toList();
    Map<String, String> hadoopConf = new HashMap<>();
    jsc.hadoopConfiguration().forEach(e -> hadoopConf.put(e.getKey(), e.getValue()));
    JavaRDD<Row> rows =
        jsc.parallelize(paths, Math.max(1, paths.size()))
            .flatMap(path -> readArrowFile(kind, path, hadoopConf).iterator());
    return spark.createDataFrame(rows, Columns.landingSchema(kind));
  }

  private static List<Row> readArrowFile(RecordKind kind, String file, Map<String, String> conf) {
    Configuration hadoop = new Configuration(false);
    conf.forEach(hadoop::set);
    List<Row> out = new ArrayList<>();
    List<String> fields = kind.fields();
    ObjectMapper mapper = new ObjectMapper();
    Path path = new Path(file);
    try (BufferAllocator allocator = new RootAllocator();
        FSDataInputStream in = path.getFileSystem(hadoop).open(path);
        ArrowFileReader reader =
            new ArrowFileReader(new SeekableReadChannel(new HadoopChannel(in, path, hadoop)), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      long position = 0;
      while (reader.loadNextBatch()) {
        for (int r = 0; r < root.getRowCount(); r++, position++) {
          Object[] values = new Object[fields.size() + 6];
          ObjectNode raw = mapper.createObjectNode();
          for (FieldVector v : root.getFieldVectors()) {
            String text = arrowText(v, r);
            raw.put(v.getName(), text);
            String canonical = kind.canonical(v.getName());
            if (canonical != null) {
              values[fields.indexOf(canonical)] = text;
            }
          }
          values[fields.size()] = file;
          values[fields.size() + 1] = position;
          values[fields.size() + 2] = LandingFormat.ARROW.cliName();
          values[fields.size() + 3] = raw.toString();
          values[fields.size() + 4] = false;
          values[fields.size() + 5] = null;
          out.add(RowFactory.create(values));
        }
      }
    } catch (IOException | RuntimeException e) {
      Object[] values = new Object[fields.size() + 6];
      values[fields.size()] = file;
      values[fields.size() + 1] = -1L;
      values[fields.size() + 2] = LandingFormat.ARROW.cliName();
      values[fields.size() + 3] = null;
      values[fields.size() + 4] = true;
      values[fields.size() + 5] = "unreadable Arrow IPC file: " + e.getMessage();
      out.add(RowFactory.create(values));
    }
    return out;
  }

  private static String arrowText(FieldVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof TimeStampVector ts) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) v.getField().getType();
      long value = ts.get(row);
      Instant instant =
          switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND -> Instant.ofEpochSecond(value / 1_000_000, (value % 1_000_000) * 1000);
            case NANOSECOND -> Instant.ofEpochSecond(value / 1_000_000_000, value % 1_000_000_000);
          };
      return instant.toString();
    }
    Object o = v.getObject(row);
    return o == null ? null : o.toString();
  }

  /** Lets Arrow's seekable reader read a Hadoop file (local or object store). */
  private static final class HadoopChannel implements SeekableByteChannel {
    private final FSDataInputStream in;
    private final long size;

    HadoopChannel(FSDataInputStream in, Path path, Configuration conf) throws IOException {
      this.in = in;
      this.size = path.getFileSystem(conf).getFileStatus(path).getLen();
    }

    @Override
    public int read(java.nio.ByteBuffer dst) throws IOException {
      int n = dst.remaining();
      byte[] buf = new byte[n];
      int read = in.read(buf, 0, n);
      if (read > 0) {
        dst.put(buf, 0, read);
      }
      return read;
    }

    @Override
    public int write(java.nio.ByteBuffer src) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long position() throws IOException {
      return in.getPos();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      in.seek(newPosition);
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
