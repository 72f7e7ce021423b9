package io.annolake.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.ingest.IngestTransforms;
import io.annolake.common.ingest.ValidationRules;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.LandingFile;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.io.LandingReader;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
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

  @Option(names = "--source", required = true, paramLabel = "PATH", description = "A landing file or folder (read recursively).")
  String source;

  @Option(names = "--kind", defaultValue = "annotations", description = "annotations, gold, adjudications, schema or guideline (default: ${DEFAULT-VALUE}).")
  String kind;

  @Option(names = "--project", paramLabel = "ID", description = "Project id for records that carry none.")
  String project;

  @Option(names = "--format", description = "json, csv, parquet or arrow (default: from each file's extension).")
  String format;

  /** Counts of one ingestion run. */
  public record Result(
      RecordKind kind,
      int files,
      int alreadyIngested,
      long read,
      long ingested,
      long rejected,
      Map<String, Long> rejectedByReason,
      Map<String, Long> versions) {
    @Override
    public String toString() {
      return String.format(
          "ingest %s: %d new files (%d already ingested, skipped) | read %,d | ingested %,d | rejected %,d%n  rejected by reason: %s%n  table versions: %s",
          kind.cliName(), files, alreadyIngested, read, ingested, rejected, rejectedByReason, versions);
    }
  }

  @Override
  public Integer call() throws Exception {
    RecordKind recordKind = RecordKind.parse(kind);
    LandingFormat landingFormat = format == null ? null : LandingFormat.parse(format);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("source", source);
    params.put("kind", recordKind.cliName());
    if (project != null) {
      params.put("project", project);
    }
    if (format != null) {
      params.put("format", format);
    }
    Result result =
        JobShell.run(
            global, "ingest", params, Map.of(), lockScope(recordKind),
            (run, progress, config) -> ingest(run, progress, config, source, recordKind, project, landingFormat));
    System.out.println(result);
    return 0;
  }

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
   * (labels are validated against them), gold, adjudications, annotations. One run per kind.
   */
  public static List<Result> ingestLanding(GlobalOptions global, String landing, Map<String, Object> overrides)
      throws Exception {
    return ingestLanding(global, landing, overrides, List.of(RecordKind.values()));
  }

  /** Like {@link #ingestLanding(GlobalOptions, String, Map)}, for some kinds only. */
  public static List<Result> ingestLanding(
      GlobalOptions global, String landing, Map<String, Object> overrides, List<RecordKind> kinds) throws Exception {
    Map<RecordKind, String> folders = new LinkedHashMap<>();
    folders.put(RecordKind.SCHEMA, "schemas");
    folders.put(RecordKind.GUIDELINE, "guidelines");
    folders.put(RecordKind.GOLD, "gold");
    folders.put(RecordKind.ADJUDICATIONS, "adjudications");
    folders.put(RecordKind.ANNOTATIONS, "annotations");
    folders.keySet().retainAll(kinds);
    List<Result> results = new ArrayList<>();
    for (Map.Entry<RecordKind, String> e : folders.entrySet()) {
      RecordKind kind = e.getKey();
      String source = landing + "/" + e.getValue();
      results.add(
          JobShell.run(
              global.forJob(null, kind.cliName()), "ingest", Map.of("source", source, "kind", kind.cliName()), overrides,
              lockScope(kind), (run, progress, config) -> ingest(run, progress, config, source, kind, null, null)));
    }
    return results;
  }

  /** The job: list, skip known files, read, bronze, validate, dedup, write silver and rejects. */
  public static Result ingest(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      String source,
      RecordKind kind,
      String project,
      LandingFormat format) {
    SparkSession spark = run.spark();
    ValidationRules rules =
        ValidationRules.from(config, project, run.context().logicalDate(), run.context().startedAt());
    progress.step("listing " + source);
    List<LandingFile> files = LandingFile.list(source, format, spark.sparkContext().hadoopConfiguration());
    Dataset<Row> known = run.readPinnedIfExists(Tables.INGESTED_FILES);
    Set<String> done =
        known == null
            ? Set.of()
            : known.where(col("record_kind").equalTo(kind.cliName())).select("file_key").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList().stream().collect(Collectors.toSet());
    List<LandingFile> fresh = files.stream().filter(f -> !done.contains(f.key(kind))).toList();
    int skipped = files.size() - fresh.size();
    if (fresh.isEmpty()) {
      return new Result(kind, 0, skipped, 0, 0, 0, Map.of(), Map.of());
    }
    String batchId = batchId(kind, fresh);
    Timestamp ingestedAt = Timestamp.from(run.context().startedAt());

    progress.step("reading " + fresh.size() + " files");
    Dataset<Row> landing = LandingReader.read(spark, kind, fresh);
    Dataset<Row> records;
    if (kind == RecordKind.ANNOTATIONS) {
      progress.step("writing bronze " + Tables.RAW_ANNOTATIONS);
      run.appendOnce(Tables.RAW_ANNOTATIONS, landing.withColumn(Columns.INGESTED_AT, lit(ingestedAt)), batchId, 0);
      records =
          run.lakehouse()
              .read(Tables.RAW_ANNOTATIONS)
              .where(col("batch_id").equalTo(batchId))
              .drop("batch_id", Columns.RUN_ID, Columns.INGESTED_AT);
    } else {
      records = landing;
    }

    progress.step("validating");
    Dataset<Row> schemas =
        kind == RecordKind.SCHEMA ? null : run.readPinnedIfExists(Tables.LABEL_SCHEMAS);
    // Cached once: the outcome reads it in several branches (invalid, repeated keys, unique keys).
    Dataset<Row> validated =
        IngestTransforms.validate(records, kind, rules, schemas, ingestedAt).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> outcome = IngestTransforms.outcome(validated, kind, run.readPinnedIfExists(kind.table()), batchId);
    try {
      Map<String, long[]> perFile = new HashMap<>();
      Map<String, Long> byReason = new TreeMap<>();
      long read = 0;
      long rejected = 0;
      for (Row r : outcome.groupBy(Columns.SOURCE_FILE, Columns.REASON_CODE).count().collectAsList()) {
        long n = r.getLong(2);
        long[] c = perFile.computeIfAbsent(normalize(r.getString(0)), f -> new long[3]);
        c[0] += n;
        read += n;
        if (r.isNullAt(1)) {
          c[1] += n;
        } else {
          c[2] += n;
          rejected += n;
          byReason.merge(r.getString(1), n, Long::sum);
        }
      }
      long ingested = read - rejected;
      long recordsRead = records.count();
      if (recordsRead != read) {
        throw new IllegalStateException(
            "Ingestion lost track of records: read " + recordsRead + " but accounted for " + read);
      }

      if (rejected > 0) {
        progress.step("writing " + Tables.REJECTED_RECORDS);
        run.appendOnce(Tables.REJECTED_RECORDS, IngestTransforms.rejects(outcome, kind), batchId, rejected);
      }
      progress.step("writing silver " + kind.table());
      Dataset<Row> accepted = IngestTransforms.accepted(outcome, kind).withColumn("batch_id", lit(batchId));
      if (run.lakehouse().exists(kind.table())) {
        Column on = Predicates.sameKeys(IngestTransforms.keyColumns(kind).toArray(String[]::new));
        run.merge(kind.table(), accepted, on, m -> m.whenMatched().updateAll().whenNotMatched().insertAll(), ingested);
      } else {
        run.append(kind.table(), accepted, ingested);
      }

      progress.step("writing " + Tables.INGESTED_FILES);
      run.appendOnce(Tables.INGESTED_FILES, ingestedFiles(spark, kind, fresh, perFile, project, ingestedAt), batchId, fresh.size());

      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(kind, fresh.size(), skipped, read, ingested, rejected, byReason, versions);
    } finally {
      validated.unpersist();
    }
  }

  static final StructType INGESTED_FILES =
      new StructType()
          .add("file_path", DataTypes.StringType, false)
          .add("file_size", DataTypes.LongType, false)
          .add("modified_at", DataTypes.TimestampType, false)
          .add("file_key", DataTypes.StringType, false)
          .add("record_kind", DataTypes.StringType, false)
          .add("format", DataTypes.StringType, false)
          .add("project_id", DataTypes.StringType, true)
          .add("records_read", DataTypes.LongType, false)
          .add("records_ingested", DataTypes.LongType, false)
          .add("records_rejected", DataTypes.LongType, false)
          .add(Columns.INGESTED_AT, DataTypes.TimestampType, false);

  private static Dataset<Row> ingestedFiles(
      SparkSession spark, RecordKind kind, List<LandingFile> files, Map<String, long[]> perFile, String project, Timestamp at) {
    List<Row> rows = new ArrayList<>();
    for (LandingFile f : files) {
      long[] c = perFile.getOrDefault(normalize(f.path()), new long[3]);
      rows.add(
          RowFactory.create(
              f.path(), f.size(), new Timestamp(f.modifiedAt()), f.key(kind), kind.cliName(), f.format().cliName(),
              project, c[0], c[1], c[2], at));
    }
    return spark.createDataFrame(rows, INGESTED_FILES);
  }

  /** Readers spell file URIs differently (file:/x, file:///x); compare by path. */
  private static String normalize(String path) {
    return new org.apache.hadoop.fs.Path(path).toUri().getPath();
  }

  /** Same files, same batch: a retry of the same files reuses the id (idempotent appends). */
  static String batchId(RecordKind kind, List<LandingFile> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(kind.name().getBytes(StandardCharsets.UTF_8));
      files.stream().map(f -> f.key(kind)).sorted().forEach(k -> digest.update(k.getBytes(StandardCharsets.UTF_8)));
      return kind.cliName() + "-" + HexFormat.of().formatHex(digest.digest()).substring(0, 24);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
