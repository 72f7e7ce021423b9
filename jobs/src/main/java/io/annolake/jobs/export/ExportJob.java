package io.annolake.jobs.export;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.export.CsvCells;
import io.annolake.common.export.FlatColumns;
import io.annolake.common.io.ExportTarget;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.io.LandingWriter;
import io.annolake.common.io.Predicates;
import io.annolake.common.privacy.Redaction;
import io.annolake.common.privacy.WorkerPseudonyms;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake export}: any table, at any version, as CSV, Parquet or Arrow IPC. It replaces
 * only an earlier export of the same table (else {@code --overwrite}; never the lakehouse), writes
 * RFC 4180 CSV with formula-like cells neutralised, and shows worker ids as pseudonyms unless the
 * configuration allows raw ids (docs/PRIVACY.md).
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a table (optionally as of a Delta version, optionally one project) to PATH.",
      "PATH ending in .csv/.parquet/.arrow gives one file; otherwise a folder of part files.",
      "CSV (RFC 4180) has a header of the column names; nested columns are written as JSON text;",
      "string cells starting with = + - @ are prefixed with ' unless --keep-formulas.",
      "Worker ids are pseudonymized (annolake.privacy.worker-ids; key from $ANNOLAKE_PSEUDONYM_KEY)."
    })
public final class ExportJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--table",
      required = true,
      paramLabel = "NAME",
      description = "Table to export, e.g. annotations.")
  String table;

  @Option(
      names = "--format",
      defaultValue = "csv",
      description = "csv, parquet or arrow (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "PATH",
      description = "File or folder to write.")
  String out;

  @Option(
      names = "--as-of-version",
      paramLabel = "N",
      description = "Delta version to read (default: latest).")
  Long asOfVersion;

  @Option(names = "--project", paramLabel = "ID", description = "Only this project's rows.")
  String project;

  @Option(
      names = "--overwrite",
      description =
          "Replace PATH even if it is not an earlier export of this table (never the lakehouse or a Delta table).")
  boolean overwrite;

  @Option(
      names = "--keep-formulas",
      description =
          "CSV: write cells starting with = + - @ as they are (default: prefix them with ').")
  boolean keepFormulas;

  /** What to export and how. */
  public record Settings(
      String table,
      LandingFormat format,
      String out,
      Long version,
      String project,
      ExportTarget.Replace replace,
      CsvCells.Formulas formulas,
      WorkerPseudonyms pseudonyms) {}

  @Override
  public Integer call() {
    LandingFormat f = LandingFormat.parse(format);
    if (f == LandingFormat.JSON) {
      throw new ConfigException(
          "Invalid value '" + format + "' for option '--format': expected csv, parquet or arrow");
    }
    // the privacy check before Spark starts: a missing key is exit 2 in a second, not 20
    WorkerPseudonyms pseudonyms = WorkerPseudonyms.atBoundary(JobShell.config(global, Map.of()));
    JobShell.Env env = JobShell.open(global, Map.of());
    Settings settings =
        new Settings(
            table,
            f,
            out,
            asOfVersion,
            project,
            overwrite ? ExportTarget.Replace.ANYTHING_ELSE : ExportTarget.Replace.SAME_TABLE_ONLY,
            keepFormulas ? CsvCells.Formulas.KEEP : CsvCells.Formulas.NEUTRALISE,
            pseudonyms);
    long rows = export(env.lakehouse(), settings);
    System.out.printf(
        "export: %,d rows of %s (version %s) to %s%n",
        rows, table, asOfVersion == null ? "latest" : asOfVersion, Redaction.uri(out));
    return 0;
  }

  /**
   * Exports with the defaults (replace only an earlier export, neutralise formulas, the
   * configuration's worker ids).
   */
  public static long export(
      Lakehouse lakehouse,
      String table,
      LandingFormat format,
      String out,
      Long version,
      String project) {
    return export(
        lakehouse,
        new Settings(
            table,
            format,
            out,
            version,
            project,
            ExportTarget.Replace.SAME_TABLE_ONLY,
            CsvCells.Formulas.NEUTRALISE,
            WorkerPseudonyms.atBoundary(AnnolakeConfig.defaults())));
  }

  /**
   * Exports and returns the number of rows written. All checks come first; nothing is deleted
   * before they pass.
   */
  public static long export(Lakehouse lakehouse, Settings s) {
    String table = s.table();
    LandingFormat format = s.format();
    String out = s.out();
    Long version = s.version();
    if (!lakehouse.exists(table)) {
      throw new ConfigException(
          "Invalid value '"
              + table
              + "' for option '--table': no such table under "
              + lakehouse.root());
    }
    long latest = lakehouse.version(table);
    if (version != null && (version < 0 || version > latest)) {
      throw new ConfigException(
          "Invalid value '"
              + version
              + "' for option '--as-of-version': table "
              + table
              + " has versions 0.."
              + latest);
    }
    Dataset<Row> df =
        version == null ? lakehouse.read(table, latest) : lakehouse.read(table, version);
    if (s.project() != null) {
      if (!List.of(df.columns()).contains("project_id")) {
        throw new ConfigException(
            "Invalid option '--project': table " + table + " has no project_id column");
      }
      df = df.where(Predicates.project(s.project()));
    }
    boolean singleFile = out.endsWith(format.extension());
    Configuration hadoop = lakehouse.spark().sparkContext().hadoopConfiguration();
    ExportTarget target =
        ExportTarget.check(hadoop, out, singleFile, table, lakehouse.root(), s.replace());
    if (s.pseudonyms() != null) {
      df = s.pseudonyms().apply(df);
    }
    if (format != LandingFormat.PARQUET) {
      df = FlatColumns.of(df);
    }
    if (format == LandingFormat.CSV && s.formulas() == CsvCells.Formulas.NEUTRALISE) {
      df = CsvCells.neutralise(df);
    }
    String dir = singleFile ? out + ".parts" : out;
    Dataset<Row> data = singleFile ? df.coalesce(1) : df;
    switch (format) {
      case CSV -> data.write().mode("overwrite").options(CsvCells.RFC_4180).csv(dir);
      case PARQUET -> data.write().mode("overwrite").parquet(dir);
      case ARROW -> LandingWriter.writeArrow(data, dir);
      default -> throw new IllegalArgumentException(format.name());
    }
    if (singleFile) {
      LandingWriter.moveSinglePart(hadoop, dir, out);
    }
    target.mark(table, version == null ? latest : version, format.cliName());
    return df.count();
  }
}
