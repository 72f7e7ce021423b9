package io.annolake.common.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.LandingFile;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.io.LandingReader;
import io.annolake.common.io.Predicates;
import io.annolake.common.privacy.Redaction;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.LogSchemas;
import io.annolake.common.schema.ReasonCode;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.schema.Tables;
import io.annolake.common.schema.rows.IngestedFileRow;
import io.annolake.common.spark.Broadcasts;
import io.annolake.common.spark.ProgressReporter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingestion of one record kind from a landing path: list the files, give each its outcome (already
 * ingested, rejected as a whole, or read), complete the batches an interrupted attempt left, then
 * ingest the new files as one batch: bronze, validation, rejects, silver, the file log ({@code
 * ingested_files}). Every write is idempotent per batch, so a rerun converges (see docs/INGEST.md).
 * The {@code ingest} command (jobs/ingest/IngestJob) is its CLI.
 */
public final class Ingestion {
  private Ingestion() {}

  /** A file rejected as a whole: its path, reason code and detail. */
  public record RejectedFile(String path, String reasonCode, String detail) {}

  /** Counts of one ingestion run. */
  public record Result(
      RecordKind kind,
      int files,
      int alreadyIngested,
      int recovered,
      long read,
      long ingested,
      long rejected,
      Map<String, Long> rejectedByReason,
      List<RejectedFile> rejectedFiles,
      List<RejectedFile> rejectedBefore,
      Map<String, Long> versions) {

    /** A run that found no source (--allow-missing-source). */
    public static Result nothing(RecordKind kind) {
      return new Result(kind, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), List.of(), Map.of());
    }

    /**
     * Files under --source that are rejected: in this run, or in an earlier one and still there.
     */
    public int rejectedFilesPresent() {
      return rejectedFiles.size() + rejectedBefore.size();
    }

    @Override
    public String toString() {
      StringBuilder out =
          new StringBuilder(
              String.format(
                  "ingest %s: %d new files (%d already ingested, skipped) | read %,d | ingested %,d | rejected %,d%n  rejected by reason: %s",
                  kind.cliName(),
                  files,
                  alreadyIngested,
                  read,
                  ingested,
                  rejected,
                  rejectedByReason));
      if (recovered > 0) {
        out.append(
            String.format("%n  completed %d files of an interrupted earlier attempt", recovered));
      }
      Map<String, Long> byReason = new TreeMap<>();
      rejectedFiles.forEach(f -> byReason.merge(f.reasonCode(), 1L, Long::sum));
      out.append(String.format("%n  rejected files: %d %s", rejectedFiles.size(), byReason));
      rejectedFiles.forEach(
          f ->
              out.append(
                  String.format(
                      "%n    %s: %s %s", Redaction.uri(f.path()), f.reasonCode(), f.detail())));
      if (!rejectedBefore.isEmpty()) {
        out.append(
            String.format(
                "%n  files rejected by an earlier run, still under the source: %d",
                rejectedBefore.size()));
        rejectedBefore.forEach(
            f ->
                out.append(
                    String.format(
                        "%n    %s: %s %s", Redaction.uri(f.path()), f.reasonCode(), f.detail())));
      }
      out.append(String.format("%n  table versions: %s", versions));
      return out.toString();
    }
  }

  /** The text encoding's setting (the ingest command's --encoding overrides it). */
  public static final String ENCODING_KEY = "annolake.ingest.encoding";

  /**
   * Test hook: -Dannolake.ingest.crash-after-write=N throws after the run's Nth write (a crash).
   */
  public static final String CRASH_AFTER_WRITE = "annolake.ingest.crash-after-write";

  /**
   * Ingests {@code source} (a file or folder) as records of {@code kind} within {@code run}: lists
   * the files and gives each one its outcome (already ingested, rejected as a whole, or read),
   * completes the batches an interrupted attempt left (see docs/INGEST.md), then ingests the new
   * files as one batch: bronze, validation, rejects, silver, the file log.
   *
   * @param project the project of records that carry none (--project), or null
   * @param format the landing format, or null for each file's extension
   */
  public static Result run(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      String source,
      RecordKind kind,
      String project,
      LandingFormat format) {
    Lakehouse lh = run.lakehouse();
    SparkSession spark = run.spark();
    run.convergesOnRerun(); // an interrupted batch is replayed by the next run (docs/INGEST.md)
    // settings checked before any file is touched (exit 2); each batch builds its own rules
    ValidationRules.from(config, project, run.context().logicalDate(), run.context().startedAt());
    Charset encoding = encoding(config);
    String scope = "project=" + project + "|encoding=" + encoding.name();
    progress.step("listing " + Redaction.uri(source));
    List<LandingFile> files =
        LandingFile.list(source, format, spark.sparkContext().hadoopConfiguration());
    Map<String, LandingFile> byId = new LinkedHashMap<>();
    files.forEach(f -> byId.putIfAbsent(f.id(kind, scope), f));

    FileLog log = FileLog.read(run.readPinnedIfExists(Tables.INGESTED_FILES), kind);
    // pinned for provenance; each batch reads the versions it is bound to
    run.readPinnedIfExists(kind.table());
    if (kind != RecordKind.SCHEMA) {
      run.readPinnedIfExists(Tables.LABEL_SCHEMAS);
    }
    List<RejectedFile> rejectedBefore = new ArrayList<>();
    int skipped = 0;
    Map<String, List<LandingFile>> interrupted = new LinkedHashMap<>();
    List<LandingFile> fresh = new ArrayList<>();
    for (Map.Entry<String, LandingFile> e : byId.entrySet()) {
      IngestedFileRow done = log.done().get(e.getKey());
      IngestedFileRow pending = log.pending().get(e.getKey());
      if (done != null) {
        skipped++;
        if (STATUS_REJECTED.equals(done.status())) {
          rejectedBefore.add(
              new RejectedFile(e.getValue().path(), done.reasonCode(), done.detail()));
        }
      } else if (pending != null) {
        interrupted.computeIfAbsent(pending.batchId(), b -> new ArrayList<>()).add(e.getValue());
      } else {
        fresh.add(e.getValue());
      }
    }
    skipped += files.size() - byId.size(); // the same file listed twice (a link) counts once

    Batches batches = new Batches(run, progress, config, kind, project, encoding, scope);
    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, List<LandingFile>> e : interrupted.entrySet()) {
      IngestedFileRow p = log.pending().get(e.getValue().get(0).id(kind, scope));
      progress.step(
          "completing interrupted batch " + e.getKey() + " (" + e.getValue().size() + " files)");
      results.add(
          batches.ingest(
              e.getValue(),
              e.getKey(),
              p.silverVersion(),
              p.schemasVersion(),
              p.logicalDate(),
              p.ingestedAt()));
    }
    if (!fresh.isEmpty()) {
      long schemas =
          kind == RecordKind.SCHEMA ? Lakehouse.ABSENT : lh.version(Tables.LABEL_SCHEMAS);
      results.add(
          batches.ingest(
              fresh,
              batchId(kind, scope, fresh),
              lh.version(kind.table()),
              schemas,
              run.context().logicalDate(),
              run.context().startedAt()));
    }

    Map<String, Long> versions = new LinkedHashMap<>();
    run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
    Map<String, Long> byReason = new TreeMap<>();
    List<RejectedFile> rejectedFiles = new ArrayList<>();
    long read = 0;
    long ingested = 0;
    long rejected = 0;
    int recovered = 0;
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      read += r.read();
      ingested += r.ingested();
      rejected += r.rejected();
      r.rejectedByReason().forEach((k, v) -> byReason.merge(k, v, Long::sum));
      rejectedFiles.addAll(r.rejectedFiles());
      if (i < interrupted.size()) {
        recovered += r.files();
      }
    }
    return new Result(
        kind,
        interrupted.values().stream().mapToInt(List::size).sum() + fresh.size(),
        skipped,
        recovered,
        read,
        ingested,
        rejected,
        byReason,
        rejectedFiles,
        rejectedBefore,
        versions);
  }

  /** The text encoding: annolake.ingest.encoding (or --encoding), an ASCII-compatible charset. */
  static Charset encoding(AnnolakeConfig config) {
    String name = config.string(ENCODING_KEY);
    Charset charset;
    try {
      charset = Charset.forName(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "Invalid value '"
              + name
              + "' for key '"
              + ENCODING_KEY
              + "' (or option '--encoding'): not a known charset");
    }
    // lines are split on the byte '\n' before decoding: the encoding must write ASCII as ASCII
    String ascii = "\n\r,\"{}[]:az09";
    AnnolakeConfig.require(
        charset.canEncode()
            && java.util.Arrays.equals(
                ascii.getBytes(charset), ascii.getBytes(StandardCharsets.US_ASCII)),
        ENCODING_KEY,
        name,
        "not an ASCII-compatible encoding (UTF-16 and UTF-32 are not supported)");
    return charset;
  }

  static final String STATUS_PENDING = "PENDING";
  static final String STATUS_INGESTED = "INGESTED";
  static final String STATUS_REJECTED = "REJECTED";

  /** Ingests batches of files: every write is idempotent per batch, so a rerun converges. */
  private static final class Batches {
    private final LakehouseRun run;
    private final ProgressReporter progress;
    private final AnnolakeConfig config;
    private final RecordKind kind;
    private final Charset encoding;
    private final String scope;
    private final String project;
    private final int crashAfter = Integer.getInteger(CRASH_AFTER_WRITE, -1);
    private int writes;
    // of the batch being ingested: its first attempt's logical date and start
    private ValidationRules rules;
    private Timestamp ingestedAt;
    private Date logicalDate;

    Batches(
        LakehouseRun run,
        ProgressReporter progress,
        AnnolakeConfig config,
        RecordKind kind,
        String project,
        Charset encoding,
        String scope) {
      this.run = run;
      this.progress = progress;
      this.config = config;
      this.kind = kind;
      this.project = project;
      this.encoding = encoding;
      this.scope = scope;
    }

    /**
     * Counts a write; the crash hook throws after the Nth (a driver killed between two commits).
     */
    private void wrote() {
      writes++;
      if (writes == crashAfter) {
        throw new IllegalStateException(
            "simulated crash after write " + writes + " (" + CRASH_AFTER_WRITE + ")");
      }
    }

    /**
     * One batch. Its classification is bound to the versions of silver and label_schemas recorded
     * in its PENDING rows (time travel), so an attempt that completes an interrupted one accepts
     * and rejects exactly what the first attempt did, whatever landed in between.
     */
    Result ingest(
        List<LandingFile> files,
        String batchId,
        long silverVersion,
        long schemasVersion,
        LocalDate date,
        Instant startedAt) {
      // the rules of the first attempt: "now" (future timestamps) and the logical date (defaults)
      rules = ValidationRules.from(config, project, date, startedAt);
      ingestedAt = Timestamp.from(startedAt);
      logicalDate = Date.valueOf(date);
      SparkSession spark = run.spark();
      Lakehouse lh = run.lakehouse();
      LandingReader.Checked checked = LandingReader.check(spark, kind, files, encoding);
      List<LandingFile> readable = checked.readable(files);

      progress.step("recording batch " + batchId + " in " + Tables.INGESTED_FILES);
      appendFileLog(
          fileRows(files, checked, Map.of(), STATUS_PENDING, silverVersion, schemasVersion),
          batchId,
          files.size());
      wrote();

      Map<String, long[]> perFile = new HashMap<>();
      Map<String, Long> byReason = new TreeMap<>();
      long read = 0;
      long rejected = 0;
      if (!readable.isEmpty()) {
        progress.step("reading " + readable.size() + " files");
        Dataset<Row> landing = LandingReader.read(spark, kind, readable, encoding);
        Dataset<Row> records;
        Dataset<Row> bronze = null;
        if (kind == RecordKind.ANNOTATIONS) {
          progress.step("writing bronze " + Tables.RAW_ANNOTATIONS);
          run.appendOnce(
              Tables.RAW_ANNOTATIONS,
              landing.withColumn(Columns.INGESTED_AT, lit(ingestedAt)),
              batchId,
              0);
          wrote();
          bronze = lh.read(Tables.RAW_ANNOTATIONS).where(col(Columns.BATCH_ID).equalTo(batchId));
          records = bronze.drop(Columns.BATCH_ID, Columns.RUN_ID, Columns.INGESTED_AT);
        } else {
          records = landing;
        }

        progress.step("validating");
        Dataset<Row> schemas =
            kind == RecordKind.SCHEMA || schemasVersion == Lakehouse.ABSENT
                ? null
                : lh.read(Tables.LABEL_SCHEMAS, schemasVersion);
        Dataset<Row> existing =
            silverVersion == Lakehouse.ABSENT ? null : lh.read(kind.table(), silverVersion);
        // Cached once: the outcome reads it in several branches (invalid, repeated keys, unique
        // keys), and the counts, rejects and silver read the outcome. Without the landing text
        // when bronze holds it (see IngestTransforms.outcomeInput).
        Dataset<Row> validated =
            IngestTransforms.outcomeInput(
                    IngestTransforms.validate(records, kind, rules, schemas, ingestedAt),
                    kind,
                    bronze == null)
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Dataset<Row>> keySets = new ArrayList<>();
        try {
          Dataset<Row> outcome =
              IngestTransforms.outcome(
                  validated,
                  kind,
                  existing,
                  batchId,
                  keys -> {
                    Dataset<Row> kept = keys.persist(StorageLevel.MEMORY_AND_DISK());
                    keySets.add(kept);
                    return Broadcasts.ifSmall(kept);
                  });
          for (Row r :
              outcome.groupBy(Columns.SOURCE_FILE, Columns.REASON_CODE).count().collectAsList()) {
            long n = r.<Long>getAs("count");
            String reason = r.getAs(Columns.REASON_CODE);
            long[] c =
                perFile.computeIfAbsent(
                    LandingReader.normalize(r.getAs(Columns.SOURCE_FILE)), f -> new long[3]);
            c[0] += n;
            read += n;
            if (reason == null) {
              c[1] += n;
            } else {
              c[2] += n;
              rejected += n;
              byReason.merge(reason, n, Long::sum);
            }
          }
          long recordsRead = records.count();
          if (recordsRead != read) {
            throw new IllegalStateException(
                "Ingestion lost track of records: read "
                    + recordsRead
                    + " but accounted for "
                    + read);
          }
          // Parquet files that gave fewer rows than their footers promise: one marker row each
          Map<String, Long> readPerFile = new HashMap<>();
          perFile.forEach((f, c) -> readPerFile.put(f, c[0]));
          List<Row> shortfalls =
              LandingReader.shortfalls(kind, checked.expectedRows(), readPerFile);
          Dataset<Row> markers = markerRejects(spark, shortfalls);
          long markerCount = shortfalls.size(); // counted on the driver: no Spark job
          int sourceFile = Columns.landingSchema(kind).fieldIndex(Columns.SOURCE_FILE);
          for (Row m : shortfalls) {
            long[] c =
                perFile.computeIfAbsent(
                    LandingReader.normalize(m.getString(sourceFile)), f -> new long[3]);
            c[0]++;
            c[2]++;
          }
          read += markerCount;
          rejected += markerCount;
          if (markerCount > 0) {
            byReason.merge(ReasonCode.UNREADABLE_FILE.name(), markerCount, Long::sum);
          }

          if (rejected > 0) {
            progress.step("writing " + Tables.REJECTED_RECORDS);
            Dataset<Row> rows =
                bronze == null
                    ? IngestTransforms.rejects(outcome, kind)
                    : IngestTransforms.rejects(
                        outcome,
                        kind,
                        bronze.select(
                            Columns.SOURCE_FILE, Columns.SOURCE_POSITION, Columns.RAW_RECORD),
                        rejected - markerCount <= Broadcasts.MAX_ROWS);
            run.appendOnce(Tables.REJECTED_RECORDS, rows.unionByName(markers), batchId, rejected);
          }
          wrote();
          long ingested = read - rejected;
          progress.step("writing silver " + kind.table());
          Dataset<Row> accepted =
              IngestTransforms.accepted(outcome, kind).withColumn(Columns.BATCH_ID, lit(batchId));
          if (lh.exists(kind.table())) {
            if (ingested > 0) {
              Column on =
                  Predicates.sameKeys(IngestTransforms.keyColumns(kind).toArray(String[]::new));
              run.merge(
                  kind.table(),
                  accepted,
                  on,
                  m -> m.whenMatched().updateAll().whenNotMatched().insertAll(),
                  ingested);
            }
          } else {
            run.append(kind.table(), accepted, ingested);
          }
          wrote();
        } finally {
          validated.unpersist();
          keySets.forEach(Dataset::unpersist);
        }
      }

      progress.step("writing " + Tables.INGESTED_FILES);
      Dataset<Row> done = fileRows(files, checked, perFile, null, silverVersion, schemasVersion);
      appendFileLog(done, batchId + DONE_SUFFIX, files.size());
      wrote();

      List<RejectedFile> rejectedFiles = new ArrayList<>();
      checked
          .problems()
          .forEach(
              (path, p) -> rejectedFiles.add(new RejectedFile(path, p.code().name(), p.detail())));
      return new Result(
          kind,
          files.size(),
          0,
          0,
          read,
          read - rejected,
          rejected,
          byReason,
          rejectedFiles,
          List.of(),
          Map.of());
    }

    /**
     * Appends a batch's file log rows (one per file); a log written by an earlier release gains the
     * new columns.
     */
    private void appendFileLog(Dataset<Row> rows, String batchId, int files) {
      Lakehouse lh = run.lakehouse();
      boolean evolve =
          lh.exists(Tables.INGESTED_FILES)
              && !Set.of(lh.read(Tables.INGESTED_FILES).columns()).contains("status");
      SparkSession spark = run.spark();
      if (evolve) {
        spark.conf().set(AUTO_MERGE, "true");
      }
      try {
        run.appendOnce(Tables.INGESTED_FILES, rows, batchId, files);
      } finally {
        if (evolve) {
          spark.conf().unset(AUTO_MERGE);
        }
      }
    }

    /** The file log rows of a batch: PENDING before any write, the outcome (status null) after. */
    private Dataset<Row> fileRows(
        List<LandingFile> files,
        LandingReader.Checked checked,
        Map<String, long[]> perFile,
        String status,
        long silverVersion,
        long schemasVersion) {
      List<Row> rows = new ArrayList<>();
      for (LandingFile f : files) {
        LandingReader.FileProblem problem = checked.problems().get(f.path());
        String path = Redaction.uri(f.path()); // as the readers' source_file column has it
        long[] c = perFile.getOrDefault(LandingReader.normalize(path), new long[3]);
        String s = status != null ? status : problem != null ? STATUS_REJECTED : STATUS_INGESTED;
        boolean final_ = status == null;
        rows.add(
            RowFactory.create(
                f.id(kind, scope),
                path,
                f.size(),
                new Timestamp(f.modifiedAt()),
                f.fingerprint(),
                kind.cliName(),
                f.format() == null ? "unsupported" : f.format().cliName(),
                project,
                s,
                final_ && problem != null ? problem.code().name() : null,
                final_ && problem != null ? problem.detail() : null,
                c[0],
                c[1],
                c[2],
                silverVersion,
                schemasVersion,
                logicalDate,
                ingestedAt));
      }
      return run.spark().createDataFrame(rows, LogSchemas.INGESTED_FILES);
    }

    /** Marker rows (landing schema) as rejected_records rows. */
    private Dataset<Row> markerRejects(SparkSession spark, List<Row> markers) {
      Dataset<Row> landing = spark.createDataFrame(markers, Columns.landingSchema(kind));
      return landing.select(
          lit(kind.cliName()).as(Columns.RECORD_KIND),
          col(Columns.SOURCE_FILE),
          col(Columns.SOURCE_POSITION),
          col(Columns.SOURCE_FORMAT),
          col(Columns.RAW_RECORD),
          lit(null).cast("string").as(Columns.RECORD_KEY),
          lit(project).cast("string").as(Columns.PROJECT_ID),
          LandingReader.reasonOf(col(Columns.MALFORMED_DETAIL)).as(Columns.REASON_CODE),
          regexp_replace(col(Columns.MALFORMED_DETAIL), "^[A-Z_]+: ", "").as(Columns.DETAIL),
          lit(ingestedAt).as(Columns.INGESTED_AT));
    }
  }

  private static final String AUTO_MERGE = "spark.databricks.delta.schema.autoMerge.enabled";
  private static final String DONE_SUFFIX = "/done";

  /** A batch of new files: the same files read the same way give the same id. */
  static String batchId(RecordKind kind, String scope, List<LandingFile> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(kind.name().getBytes(StandardCharsets.UTF_8));
      files.stream()
          .map(f -> f.id(kind, scope))
          .sorted()
          .forEach(k -> digest.update(k.getBytes(StandardCharsets.UTF_8)));
      return kind.cliName() + "-" + HexFormat.of().formatHex(digest.digest()).substring(0, 24);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
