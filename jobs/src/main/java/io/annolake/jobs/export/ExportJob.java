package io.annolake.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import io.annolake.common.config.ConfigException;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.io.LandingWriter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code annolake export}: any table, at any version, as CSV, Parquet or Arrow IPC. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a table (optionally as of a Delta version, optionally one project) to PATH.",
      "PATH ending in .csv/.parquet/.arrow gives one file; otherwise a folder of part files.",
      "CSV has a header of the column names; nested columns are written as JSON text."
    })
public final class ExportJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--table", required = true, paramLabel = "NAME", description = "Table to export, e.g. annotations.")
  String table;

  @Option(names = "--format", defaultValue = "csv", description = "csv, parquet or arrow (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--out", required = true, paramLabel = "PATH", description = "File or folder to write.")
  String out;

  @Option(names = "--as-of-version", paramLabel = "N", description = "Delta version to read (default: latest).")
  Long asOfVersion;

  @Option(names = "--project", paramLabel = "ID", description = "Only this project's rows.")
  String project;

  @Override
  public Integer call() {
    LandingFormat f = LandingFormat.parse(format);
    if (f == LandingFormat.JSON) {
      throw new ConfigException("Invalid value '" + format + "' for option '--format': expected csv, parquet or arrow");
    }
    Lakehouse lakehouse = JobShell.open(global, Map.of()).lakehouse();
    long rows = export(lakehouse, table, f, out, asOfVersion, project);
    System.out.printf("export: %,d rows of %s (version %s) to %s%n", rows, table, asOfVersion == null ? "latest" : asOfVersion, out);
    return 0;
  }

  /** Exports and returns the number of rows written. */
  public static long export(Lakehouse lakehouse, String table, LandingFormat format, String out, Long version, String project) {
    if (!lakehouse.exists(table)) {
      throw new ConfigException("Invalid value '" + table + "' for option '--table': no such table under " + lakehouse.root());
    }
    long latest = lakehouse.version(table);
    if (version != null && (version < 0 || version > latest)) {
      throw new ConfigException(
          "Invalid value '" + version + "' for option '--as-of-version': table " + table + " has versions 0.." + latest);
    }
    Dataset<Row> df = version == null ? lakehouse.read(table) : lakehouse.read(table, version);
    if (project != null) {
      if (!List.of(df.columns()).contains("project_id")) {
        throw new ConfigException("Invalid option '--project': table " + table + " has no project_id column");
      }
      df = df.where(col("project_id").equalTo(project));
    }
    if (format != LandingFormat.PARQUET) {
      df = flatten(df);
    }
    boolean singleFile = out.endsWith(format.extension());
    String dir = singleFile ? out + ".parts" : out;
    Dataset<Row> data = singleFile ? df.coalesce(1) : df;
    switch (format) {
      case CSV -> data.write().mode("overwrite").option("header", true).option("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX").csv(dir);
      case PARQUET -> data.write().mode("overwrite").parquet(dir);
      case ARROW -> LandingWriter.writeArrow(data, dir);
      default -> throw new IllegalArgumentException(format.name());
    }
    if (singleFile) {
      moveSinglePart(lakehouse, dir, out, format.extension());
    }
    return df.count();
  }

  /** Nested columns (arrays, maps, structs) become JSON text so CSV and flat Arrow can hold them. */
  public static Dataset<Row> flatten(Dataset<Row> df) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      boolean nested = f.dataType() instanceof ArrayType || f.dataType() instanceof MapType || f.dataType() instanceof StructType;
      cols.add(nested ? to_json(col(f.name())).as(f.name()) : col(f.name()));
    }
    return df.select(cols.toArray(Column[]::new));
  }

  private static void moveSinglePart(Lakehouse lakehouse, String dir, String out, String extension) {
    try {
      Path parts = new Path(dir);
      FileSystem fs = parts.getFileSystem(lakehouse.spark().sparkContext().hadoopConfiguration());
      Path target = new Path(out);
      for (FileStatus s : fs.listStatus(parts)) {
        String name = s.getPath().getName();
        if (name.startsWith("part-")) {
          fs.delete(target, false);
          fs.rename(s.getPath(), target);
          break;
        }
      }
      fs.delete(parts, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move the export to " + out, e);
    }
  }
}
