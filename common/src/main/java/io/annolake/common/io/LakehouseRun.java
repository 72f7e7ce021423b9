package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.ScalaSeqs;
import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job run's view of the lakehouse: reads pinned to versions, writes that carry the run's
 * provenance (a {@code run_id} column and commit userMetadata), commits retried when another run's
 * commit conflicts, and an undo on failure that touches this run's own rows only.
 *
 * <p>Every write is one Delta commit that either replaces a slice the run owns (a project's rows of
 * a derived table: the caller holds that slice's {@link RunLock}), or adds rows that a rerun would
 * not add twice (appends tagged with a batch id, insert-only merges on deterministic keys). So a
 * rerun after a failure or a {@code kill -9} converges on a clean run's tables without any undo;
 * the undo after an exception only spares readers the failed run's partial output until then.
 *
 * <p>Backfills: a run whose logical date is older than a SUCCEEDED run of the same job for the same
 * rows ({@link StateGuard}) computes its outputs but keeps the newer state of the tables in {@link
 * Tables#STATE}; its result is recorded as a digest in pipeline_runs.
 *
 * <p>Writes to different tables may run on concurrent threads (the bookkeeping is synchronized).
 */
public final class LakehouseRun {
  private static final Logger LOG = LoggerFactory.getLogger(LakehouseRun.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  private static final String AUTO_MERGE_CONF = "spark.databricks.delta.schema.autoMerge.enabled";

  /** Delta table property naming the columns whose statistics are collected on write. */
  static final String STATS_COLUMNS_PROPERTY = "delta.dataSkippingStatsColumns";

  /**
   * A table the run wrote: its version before and after, the rows written, and for a write kept
   * back by a newer state ({@code keptNewerState}) the digest of the rows it would have written.
   */
  public record Output(
      String table,
      long versionBefore,
      long versionAfter,
      long rows,
      Long digest,
      String keptNewerState) {
    public Output(String table, long versionBefore, long versionAfter, long rows) {
      this(table, versionBefore, versionAfter, rows, null, null);
    }
  }

  /** How to take back one write of this run without touching other runs' rows. */
  private record Undo(String table, long versionBefore, Column slice, boolean ownRowsOnly) {}

  private final Lakehouse lakehouse;
  private final RunContext context;
  private final Commits commits;
  private final StateGuard guard;
  private final Map<String, Long> inputs = new LinkedHashMap<>();
  private final Map<String, Long> versionsBefore = new LinkedHashMap<>();
  private final Map<String, Output> outputs = new LinkedHashMap<>();
  private final List<Undo> undos = new ArrayList<>();
  private volatile boolean convergesOnRerun;

  public LakehouseRun(Lakehouse lakehouse, RunContext context) {
    this(lakehouse, context, Commits.DEFAULT, StateGuard.NONE);
  }

  public LakehouseRun(Lakehouse lakehouse, RunContext context, Commits commits, StateGuard guard) {
    this.lakehouse = lakehouse;
    this.context = context;
    this.commits = commits;
    this.guard = guard;
  }

  /**
   * Marks a run whose writes need no undo because its rerun completes them (ingest replays an
   * interrupted batch against the versions it pinned): an undo would only make that replay harder
   * (bronze rows kept, a MERGE's updated silver rows deleted by run id).
   */
  public void convergesOnRerun() {
    convergesOnRerun = true;
  }

  public Lakehouse lakehouse() {
    return lakehouse;
  }

  public RunContext context() {
    return context;
  }

  public SparkSession spark() {
    return lakehouse.spark();
  }

  /**
   * Reads a table at its current version and records that version as an input of the run. A
   * current-state table or a silver input is read as it was at the end of this run's logical date
   * when a run for a later date has changed it since (a backfill sees what its date saw; {@link
   * StateGuard#versionAsOf}).
   */
  public Dataset<Row> readPinned(String table) {
    long version = inputs.computeIfAbsent(table, this::versionToRead);
    if (version == Lakehouse.ABSENT) {
      throw new IllegalStateException("Cannot read table '" + table + "': it does not exist yet");
    }
    lakehouse.register(table);
    return lakehouse.read(table, version);
  }

  private long versionToRead(String table) {
    long latest = lakehouse.version(table);
    if (latest == Lakehouse.ABSENT
        || !(Tables.STATE.contains(table) || Tables.SILVER_INPUTS.contains(table))) {
      return latest;
    }
    Long asOf = guard.versionAsOf(lakehouse, table);
    if (asOf != null) {
      LOG.info(
          "Reading {} at version {} (its state at the end of {}; latest is {})",
          table,
          asOf,
          context.logicalDate(),
          latest);
    }
    return asOf != null ? asOf : latest;
  }

  /**
   * Reads a table at a version the caller chose (a snapshot's --as-of) and records that version as
   * an input of the run.
   */
  public Dataset<Row> readAt(String table, long version) {
    inputs.put(table, version);
    return lakehouse.read(table, version);
  }

  /** Like {@link #readPinned} but an absent table gives null. */
  public Dataset<Row> readPinnedIfExists(String table) {
    long version = inputs.computeIfAbsent(table, this::versionToRead);
    return version == Lakehouse.ABSENT ? null : readPinned(table);
  }

  public Map<String, Long> inputs() {
    return Collections.unmodifiableMap(inputs);
  }

  public synchronized List<Output> outputs() {
    return List.copyOf(outputs.values());
  }

  /**
   * Appends rows tagged with {@code batch_id = batchId}, unless the table holds that batch already.
   *
   * @return rows appended (0 when skipped)
   */
  public long appendOnce(String table, Dataset<Row> rows, String batchId, long rowCount) {
    long before = rememberVersionBefore(table);
    boolean[] skipped = {false};
    commits.retry(
        table,
        () -> {
          if (lakehouse.exists(table)
              && !lakehouse.read(table).where(col(Columns.BATCH_ID).equalTo(batchId)).isEmpty()) {
            skipped[0] = true;
            return;
          }
          // mergeSchema: a table written by an older annolake gains this version's new columns
          // (older rows null)
          writer(table, rows.withColumn(Columns.BATCH_ID, lit(batchId)), "append")
              .option("mergeSchema", "true")
              .save(lakehouse.path(table));
        });
    if (skipped[0]) {
      LOG.info(
          "Table {} already holds batch {}: append skipped (idempotent retry)", table, batchId);
      recordOutput(table, before, 0);
      return 0;
    }
    afterWrite(new Undo(table, before, null, true), rowCount);
    return rowCount;
  }

  /** Appends rows (for append-only logs whose rows are unique by construction). */
  public void append(String table, Dataset<Row> rows, long rowCount) {
    long before = rememberVersionBefore(table);
    commits.retry(
        table,
        () ->
            writer(table, rows, "append")
                .option("mergeSchema", "true")
                .save(lakehouse.path(table)));
    afterWrite(new Undo(table, before, null, true), rowCount);
  }

  /** Appends to an audit log that no undo touches (pipeline_runs); new columns merge in. */
  public void appendAudit(String table, Dataset<Row> rows) {
    commits.retry(
        table,
        () ->
            writer(table, rows, "append")
                .option("mergeSchema", "true")
                .save(lakehouse.path(table)));
  }

  /** Replaces the whole table (derived tables recomputed from their inputs). */
  public void overwrite(String table, Dataset<Row> rows, long rowCount) {
    overwrite(table, rows, rowCount, null);
  }

  /**
   * Replaces only the rows matching {@code slice} (a predicate the new rows must also satisfy,
   * built with {@link Predicates}; null: every row), e.g. one project's rows of a derived table;
   * the whole table when it does not exist.
   */
  public void overwrite(String table, Dataset<Row> rows, long rowCount, Column slice) {
    overwrite(table, rows, () -> rowCount, slice);
  }

  /**
   * As {@link #overwrite(String, Dataset, long, Column)}, with a row count known once the rows are
   * written.
   */
  public void overwrite(String table, Dataset<Row> rows, LongSupplier rowCount, Column slice) {
    long before = rememberVersionBefore(table);
    if (keptNewerState(table, rows, before)) {
      return;
    }
    Tables.DayRows days = Tables.DAY_ROWS.get(table);
    if (days != null && guard.newerRun(lakehouse) != null && hasColumn(table, days.asOf())) {
      overwriteOlderDays(table, rows, slice, days, before);
      return;
    }
    commits.retry(table, () -> replace(table, withAsOfDate(table, rows), slice, "overwrite"));
    afterWrite(new Undo(table, before, slice, false), rowCount.getAsLong());
  }

  /**
   * A backfill's write of a day-keyed table: the rows that runs for later dates wrote stay (they
   * hold the figures of a later date), the others in the slice are replaced by this run's.
   */
  private void overwriteOlderDays(
      String table, Dataset<Row> rows, Column slice, Tables.DayRows days, long before) {
    Column newer = col(days.asOf()).gt(lit(Date.valueOf(context.logicalDate())));
    Column older = Predicates.and(slice, col(days.asOf()).isNull().or(functions.not(newer)));
    Dataset<Row> kept =
        lakehouse
            .read(table)
            .where(Predicates.and(slice, newer))
            .select(days.key().stream().map(functions::col).toArray(Column[]::new));
    Dataset<Row> mine =
        withAsOfDate(table, rows)
            .join(kept, ScalaSeqs.of(days.key().toArray(String[]::new)), "left_anti");
    commits.retry(table, () -> replace(table, mine, older, "overwrite"));
    long written = mine.count();
    LOG.info(
        "{}: a backfill keeps the rows runs for later dates wrote; {} rows replaced",
        table,
        written);
    afterWrite(new Undo(table, before, older, false), written);
  }

  private boolean hasColumn(String table, String column) {
    return lakehouse.exists(table) && List.of(lakehouse.read(table).columns()).contains(column);
  }

  /**
   * Merges rows into a table on a condition between {@code t} (target) and {@code s} (source),
   * built as a Column (see {@link Predicates}); creates the table from the rows when it does not
   * exist. {@code slice} names the rows the merge may update or delete (its undo restores them);
   * null for an insert-only merge (its undo deletes the rows it inserted).
   */
  public void merge(
      String table,
      Dataset<Row> rows,
      Column condition,
      Function<DeltaMergeBuilder, DeltaMergeBuilder> clauses,
      LongSupplier rowCount,
      Column slice) {
    long before = rememberVersionBefore(table);
    if (keptNewerState(table, rows, before)) {
      return;
    }
    Dataset<Row> source = withAsOfDate(table, rows);
    commits.retry(
        table,
        () -> {
          if (!lakehouse.exists(table)) {
            writer(table, source, "append").save(lakehouse.path(table));
            return;
          }
          String stats = statsColumns(table);
          if (stats != null) {
            ensureStatsColumns(table, stats);
          }
          mergeInto(table, source, condition, clauses);
        });
    afterWrite(new Undo(table, before, slice, slice == null), rowCount.getAsLong());
  }

  /** An insert-only (or otherwise undo-by-own-rows) merge; see the six-argument form. */
  public void merge(
      String table,
      Dataset<Row> rows,
      Column condition,
      Function<DeltaMergeBuilder, DeltaMergeBuilder> clauses,
      long rowCount) {
    merge(table, rows, condition, clauses, () -> rowCount, null);
  }

  /** One MERGE commit with the run's metadata (the merge builder has no per-commit option). */
  private synchronized void mergeInto(
      String table,
      Dataset<Row> source,
      Column condition,
      Function<DeltaMergeBuilder, DeltaMergeBuilder> clauses) {
    SparkSession spark = spark();
    spark.conf().set(USER_METADATA_CONF, userMetadata(table));
    // a newer release may add a column (as_of_date) to a table an older one created
    spark.conf().set(AUTO_MERGE_CONF, "true");
    try {
      clauses
          .apply(
              DeltaTable.forPath(spark, lakehouse.path(table))
                  .as("t")
                  .merge(withProvenance(source).as("s"), condition))
          .execute();
    } finally {
      spark.conf().unset(USER_METADATA_CONF);
      spark.conf().unset(AUTO_MERGE_CONF);
    }
  }

  /**
   * One overwrite commit: the whole table (new layout and schema allowed), or a slice of it (the
   * rows must match the slice; columns a newer release adds merge in).
   */
  private void replace(String table, Dataset<Row> rows, Column slice, String mode) {
    boolean exists = lakehouse.exists(table);
    DataFrameWriter<Row> writer =
        writer(table, withProvenance(rows), mode, userMetadata(table), slice == null);
    if (!exists || slice == null) {
      writer.option("overwriteSchema", "true");
    } else {
      writer.option("replaceWhere", Predicates.sql(slice)).option("mergeSchema", "true");
    }
    writer.save(lakehouse.path(table));
  }

  /**
   * A Delta writer of the rows with the run's provenance. A table that is new, or replaced whole,
   * gets its declared layout: partitioned by project ({@link Tables#PARTITIONED}, so runs for
   * different projects commit to disjoint files and never conflict) and its statistics columns
   * ({@link Tables#STATS_COLUMNS}); an existing table that lacks those statistics gets them by one
   * ALTER commit first. A slice replaced in an older, unpartitioned table keeps that layout until
   * the next whole replacement.
   */
  private DataFrameWriter<Row> writer(String table, Dataset<Row> rows, String mode) {
    return writer(table, withProvenance(rows), mode, userMetadata(table), false);
  }

  private DataFrameWriter<Row> writer(
      String table, Dataset<Row> rows, String mode, String metadata, boolean whole) {
    boolean exists = lakehouse.exists(table);
    DataFrameWriter<Row> writer =
        rows.write().format("delta").mode(mode).option("userMetadata", metadata);
    String stats = statsColumns(table);
    if (stats != null && !exists) {
      writer.option(STATS_COLUMNS_PROPERTY, stats);
    } else if (stats != null) {
      ensureStatsColumns(table, stats);
    }
    if ((!exists || whole) && Tables.PARTITIONED.contains(table)) {
      writer.partitionBy(Columns.PROJECT_ID);
    }
    return writer;
  }

  private static String statsColumns(String table) {
    List<String> columns = Tables.STATS_COLUMNS.get(table);
    return columns == null ? null : String.join(",", columns);
  }

  /** Synchronized: concurrent writers of one run share the session's commit-metadata setting. */
  private synchronized void ensureStatsColumns(String table, String stats) {
    if (stats.equals(lakehouse.properties(table).get(STATS_COLUMNS_PROPERTY))) {
      return;
    }
    spark().conf().set(USER_METADATA_CONF, userMetadata(table));
    try {
      lakehouse.setProperty(table, STATS_COLUMNS_PROPERTY, stats);
    } finally {
      spark().conf().unset(USER_METADATA_CONF);
    }
  }

  private Dataset<Row> withProvenance(Dataset<Row> rows) {
    return rows.withColumn(Columns.RUN_ID, lit(context.runId()));
  }

  /** Current-state tables carry the logical date their rows were computed for. */
  private Dataset<Row> withAsOfDate(String table, Dataset<Row> rows) {
    Tables.DayRows days = Tables.DAY_ROWS.get(table);
    boolean stamped =
        Tables.STATE.contains(table) || days != null && Columns.AS_OF_DATE.equals(days.asOf());
    return stamped
        ? rows.withColumn(Columns.AS_OF_DATE, lit(Date.valueOf(context.logicalDate())))
        : rows;
  }

  /**
   * A backfill (a SUCCEEDED run of this job for a later date covers these rows) keeps the newer
   * state of a current-state table: the rows are computed all the same, and their digest and count
   * recorded, so the run's result can be compared with the original run of its date.
   */
  private boolean keptNewerState(String table, Dataset<Row> rows, long before) {
    if (!Tables.STATE.contains(table)) {
      return false;
    }
    String newer = guard.newerRun(lakehouse);
    if (newer == null) {
      return false;
    }
    Digest.Result digest = Digest.of(withAsOfDate(table, rows));
    LOG.warn(
        "{}: a newer state is kept ({}); this run's rows ({}, digest {}) are not written",
        table,
        newer,
        digest.rows(),
        digest.value());
    synchronized (this) {
      outputs.put(table, new Output(table, before, before, digest.rows(), digest.value(), newer));
    }
    return true;
  }

  private synchronized long rememberVersionBefore(String table) {
    return versionsBefore.computeIfAbsent(table, lakehouse::version);
  }

  private void afterWrite(Undo undo, long rowCount) {
    lakehouse.register(undo.table());
    synchronized (this) {
      undos.add(undo);
    }
    recordOutput(undo.table(), undo.versionBefore(), rowCount);
  }

  private synchronized void recordOutput(String table, long before, long rowCount) {
    Output previous = outputs.get(table);
    long rows = rowCount + (previous != null ? previous.rows() : 0);
    outputs.put(
        table, new Output(table, versionsBefore.get(table), lakehouse.version(table), rows));
  }

  /** The run context as JSON, stored as the commit's userMetadata (see DESCRIBE HISTORY). */
  public String userMetadata(String table) {
    ObjectNode node = JSON.createObjectNode();
    node.put("run_id", context.runId());
    node.put("job", context.job());
    node.put("table", table);
    node.put("logical_date", context.logicalDate().toString());
    node.put("code_version", context.codeVersion());
    node.put("config_hash", context.configHash());
    ObjectNode in = node.putObject("inputs");
    inputs.forEach(in::put);
    ObjectNode params = node.putObject("params");
    context.params().forEach(params::put);
    return node.toString();
  }

  /**
   * Takes back this run's writes, newest first, touching only what the run owns: a slice it
   * replaced is replaced again by the slice's rows at the version before the run (other slices,
   * which other runs may have committed since, are left alone); rows it added are deleted by their
   * run id. Each undo is a commit of its own, retried on conflicts like any write. Best effort:
   * every write is tried; a {@code kill -9} leaves no chance to undo, which is why every write also
   * converges on rerun.
   *
   * @return the tables whose writes were taken back
   */
  public List<String> undo() {
    List<String> undone = new ArrayList<>();
    if (convergesOnRerun) {
      LOG.warn("Run {} left its writes for its rerun to complete (no undo)", context.runId());
      return undone;
    }
    List<Undo> todo;
    synchronized (this) {
      todo = new ArrayList<>(undos);
      undos.clear();
    }
    Collections.reverse(todo);
    for (Undo u : todo) {
      try {
        commits.retry(u.table(), () -> undoOne(u));
        if (!undone.contains(u.table())) {
          undone.add(u.table());
        }
        LOG.warn("Took back run {}'s write to {}", context.runId(), u.table());
      } catch (RuntimeException e) {
        LOG.error("Could not take back run {}'s write to {}", context.runId(), u.table(), e);
      }
    }
    synchronized (this) {
      outputs.clear();
    }
    return undone;
  }

  private void undoOne(Undo u) {
    if (!lakehouse.exists(u.table())) {
      return;
    }
    String previous = "undo of run " + context.runId();
    if (u.ownRowsOnly() || u.versionBefore() == Lakehouse.ABSENT) {
      Column mine = col(Columns.RUN_ID).equalTo(lit(context.runId()));
      withMetadata(
          u.table(),
          previous,
          () -> DeltaTable.forPath(spark(), lakehouse.path(u.table())).delete(mine));
      return;
    }
    Dataset<Row> earlier = lakehouse.read(u.table(), u.versionBefore());
    Dataset<Row> restored = u.slice() == null ? earlier : earlier.where(u.slice());
    // the earlier rows keep their own run ids: written as they were, not as this run's
    DataFrameWriter<Row> writer =
        writer(
            u.table(), restored, "overwrite", undoMetadata(u.table(), previous), u.slice() == null);
    if (u.slice() == null) {
      writer.option("overwriteSchema", "true");
    } else {
      writer.option("replaceWhere", Predicates.sql(u.slice())).option("mergeSchema", "true");
    }
    writer.save(lakehouse.path(u.table()));
  }

  private synchronized void withMetadata(String table, String note, Runnable commit) {
    spark().conf().set(USER_METADATA_CONF, undoMetadata(table, note));
    try {
      commit.run();
    } finally {
      spark().conf().unset(USER_METADATA_CONF);
    }
  }

  private String undoMetadata(String table, String note) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(userMetadata(table));
      node.put("operation", note);
      return node.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
