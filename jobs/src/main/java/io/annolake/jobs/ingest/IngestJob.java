package io.annolake.jobs.ingest;

import io.annolake.common.ingest.Ingestion;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.privacy.Redaction;
import io.annolake.common.schema.RecordKind;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake ingest}: landing files -> bronze {@code raw_annotations} -> silver tables, with
 * every record either in silver or in {@code rejected_records} with a reason, exactly once per
 * source file ({@code ingested_files}).
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Lands files (a file or a folder) into the lakehouse. Every record ends up in silver or in",
      "rejected_records with a reason code; files already ingested are skipped (ingested_files).",
      "Minimal CSV (item_id,worker_id,label with --project) works; ids and timestamps are generated."
    })
public final class IngestJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--source",
      required = true,
      paramLabel = "PATH",
      description = "A landing file or folder (read recursively).")
  String source;

  @Option(
      names = "--kind",
      defaultValue = "annotations",
      description =
          "annotations, gold, adjudications, schema, guideline or flag (annotators' questions) (default: ${DEFAULT-VALUE}).")
  String kind;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Project id for records that carry none.")
  String project;

  @Option(
      names = "--format",
      description = "json, csv, parquet or arrow (default: from each file's extension).")
  String format;

  @Option(
      names = "--encoding",
      paramLabel = "CHARSET",
      description = "Encoding of text files (default: annolake.ingest.encoding, UTF-8).")
  String encoding;

  @Option(
      names = "--fail-on-rejected-files",
      description =
          "Exit 1 when any file under --source is rejected (default: annolake.ingest.fail-on-rejected-files).")
  boolean failOnRejectedFiles;

  @Option(
      names = "--allow-missing-source",
      description =
          "A missing --source is an empty delivery: exit 0 with nothing ingested (for kinds that do not land every day, e.g. guidelines).")
  boolean allowMissingSource;

  @Override
  public Integer call() throws Exception {
    RecordKind recordKind = RecordKind.parse(kind);
    LandingFormat landingFormat = format == null ? null : LandingFormat.parse(format);
    Map<String, String> params =
        JobShell.params(
            "source", source,
            "kind", recordKind.cliName(),
            "project", project,
            "format", format,
            "encoding", encoding,
            "allow_missing_source", allowMissingSource ? "true" : null);
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (encoding != null) {
      overrides.put(Ingestion.ENCODING_KEY, encoding);
    }
    if (failOnRejectedFiles) {
      overrides.put(FAIL_ON_REJECTED_FILES_KEY, true);
    }
    boolean[] failOnRejected = new boolean[1];
    Ingestion.Result result =
        JobShell.run(
            global,
            "ingest",
            params,
            overrides,
            lockScope(recordKind),
            (run, progress, config) -> {
              failOnRejected[0] = config.bool(FAIL_ON_REJECTED_FILES_KEY);
              if (allowMissingSource && !exists(run.spark(), source)) {
                progress.step("no " + Redaction.uri(source) + ": nothing to ingest");
                return Ingestion.Result.nothing(recordKind);
              }
              return Ingestion.run(
                  run, progress, config, source, recordKind, project, landingFormat);
            });
    System.out.println(result);
    if (failOnRejected[0] && result.rejectedFilesPresent() > 0) {
      System.err.println(
          "[ingest] "
              + result.rejectedFilesPresent()
              + " files under "
              + source
              + " are rejected and "
              + FAIL_ON_REJECTED_FILES_KEY
              + " is true: exit 1 (every other file was ingested)");
      return 1;
    }
    return 0;
  }

  static final String FAIL_ON_REJECTED_FILES_KEY = "annolake.ingest.fail-on-rejected-files";

  /**
   * Ingests of one record kind run one at a time (they share its silver table and the files' batch
   * records); other kinds, and every other job, go on beside them. ({@code --project} only names
   * the project of records that carry none.)
   */
  static String lockScope(RecordKind kind) {
    return "kind:" + kind.cliName();
  }

  /**
   * Ingests a landing folder laid out as {@code generate} writes it, in dependency order: schemas
   * (labels are validated against them), guidelines, gold, adjudications, annotations, and
   * annotators' questions (flags) when the folder has them. One run per kind.
   */
  public static List<Ingestion.Result> ingestLanding(
      GlobalOptions global, String landing, Map<String, Object> overrides) throws Exception {
    return ingestLanding(global, landing, overrides, List.of(RecordKind.values()));
  }

  /** Like {@link #ingestLanding(GlobalOptions, String, Map)}, for some kinds only. */
  public static List<Ingestion.Result> ingestLanding(
      GlobalOptions global, String landing, Map<String, Object> overrides, List<RecordKind> kinds)
      throws Exception {
    Map<RecordKind, String> folders = new LinkedHashMap<>();
    folders.put(RecordKind.SCHEMA, "schemas");
    folders.put(RecordKind.GUIDELINE, "guidelines");
    folders.put(RecordKind.GOLD, "gold");
    folders.put(RecordKind.ADJUDICATIONS, "adjudications");
    folders.put(RecordKind.ANNOTATIONS, "annotations");
    folders.put(RecordKind.FLAG, "flags");
    folders.keySet().retainAll(kinds);
    List<Ingestion.Result> results = new ArrayList<>();
    for (Map.Entry<RecordKind, String> e : folders.entrySet()) {
      RecordKind kind = e.getKey();
      String source = landing + "/" + e.getValue();
      if (kind == RecordKind.FLAG && !exists(JobShell.open(global, overrides).spark(), source)) {
        continue; // landing folders generated before questions existed have none
      }
      results.add(
          JobShell.run(
              global.forJob(null, kind.cliName()),
              "ingest",
              Map.of("source", source, "kind", kind.cliName()),
              overrides,
              lockScope(kind),
              (run, progress, config) ->
                  Ingestion.run(run, progress, config, source, kind, null, null)));
    }
    return results;
  }

  /** Whether a landing path exists (on whatever file system the session reaches). */
  private static boolean exists(SparkSession spark, String path) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot look for " + Redaction.uri(path), e);
    }
  }
}
