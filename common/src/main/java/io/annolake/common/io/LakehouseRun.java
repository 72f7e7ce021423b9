package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job run's view of the lakehouse: reads pinned to versions, writes that carry the run's
 * provenance (a {@code run_id} column and commit userMetadata), and rollback of every table the
 * run changed when it fails.
 *
 * <p>Idempotency: an append tagged with a batch id is skipped when the table already holds that
 * batch, so a retry after a crash never duplicates rows. Delta's txnAppId/txnVersion is set on
 * the same appends (txnVersion = the table's version before the write), which also stops two
 * concurrent attempts of one batch; it is not used alone because a RESTORE (our rollback) does not
 * forget application transactions, and a retry after a rollback must write again.
 *
 * <p>Writes to different tables may run on concurrent threads (the bookkeeping is synchronized).
 */
public final class LakehouseRun {
  private static final Logger LOG = LoggerFactory.getLogger(LakehouseRun.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  /** Delta table property naming the columns whose statistics are collected on write. */
  static final String STATS_COLUMNS_PROPERTY = "delta.dataSkippingStatsColumns";

  /** A table the run wrote: its version before and after, and the rows written. */
  public record Output(String table, long versionBefore, long versionAfter, long rows) {}

  private final Lakehouse lakehouse;
  private final RunContext context;
  private final Map<String, Long> inputs = new LinkedHashMap<>();
  private final Map<String, Long> versionsBefore = new LinkedHashMap<>();
  private final Map<String, Output> outputs = new LinkedHashMap<>();

  public LakehouseRun(Lakehouse lakehouse, RunContext context) {
    this.lakehouse = lakehouse;
    this.context = context;
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

  /** Reads a table at its current version and records that version as an input of the run. */
  public Dataset<Row> readPinned(String table) {
    long version = inputs.computeIfAbsent(table, lakehouse::version);
    if (version == Lakehouse.ABSENT) {
      throw new IllegalStateException("Cannot read table '" + table + "': it does not exist yet");
    }
    lakehouse.register(table);
    return lakehouse.read(table, version);
  }

  /** Like {@link #readPinned} but an absent table gives null. */
  public Dataset<Row> readPinnedIfExists(String table) {
    long version = inputs.computeIfAbsent(table, lakehouse::version);
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
    if (before != Lakehouse.ABSENT
        && !lakehouse.read(table).where(col("batch_id").equalTo(batchId)).isEmpty()) {
      LOG.info("Table {} already holds batch {}: append skipped (idempotent retry)", table, batchId);
      recordOutput(table, before, 0);
      return 0;
    }
    writer(table, rows.withColumn("batch_id", lit(batchId)), "append", before)
        .option("txnAppId", "annolake:" + table + ":" + batchId)
        .option("txnVersion", before + 1)
        .save(lakehouse.path(table));
    afterWrite(table, before, rowCount);
    return rowCount;
  }

  /** Appends rows (for append-only logs whose rows are unique by construction). */
  public void append(String table, Dataset<Row> rows, long rowCount) {
    long before = rememberVersionBefore(table);
    plainAppend(table, rows);
    afterWrite(table, before, rowCount);
  }

  /** Appends to an audit log that a rollback must not undo (pipeline_runs). */
  public void appendAudit(String table, Dataset<Row> rows) {
    plainAppend(table, rows);
    lakehouse.register(table);
  }

  private void plainAppend(String table, Dataset<Row> rows) {
    writer(table, rows, "append", lakehouse.version(table)).save(lakehouse.path(table));
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

  /** As {@link #overwrite(String, Dataset, long, Column)}, with a row count known once the rows are written. */
  public void overwrite(String table, Dataset<Row> rows, LongSupplier rowCount, Column slice) {
    long before = rememberVersionBefore(table);
    var writer = writer(table, rows, "overwrite", before);
    if (before == Lakehouse.ABSENT || slice == null) {
      writer.option("overwriteSchema", "true");
    } else {
      // a newer release may add columns to a derived table: the part it replaces brings them in
      writer.option("replaceWhere", Predicates.sql(slice)).option("mergeSchema", "true");
    }
    writer.save(lakehouse.path(table));
    afterWrite(table, before, rowCount.getAsLong());
  }

  /**
   * Merges rows into a table on a condition between {@code t} (target) and {@code s} (source),
   * built as a Column (see {@link Predicates});
   * creates the table from the rows when it does not exist.
   */
  public void merge(
      String table,
      Dataset<Row> rows,
      Column condition,
      Function<DeltaMergeBuilder, DeltaMergeBuilder> clauses,
      long rowCount) {
    merge(table, rows, condition, clauses, () -> rowCount);
  }

  /** As {@link #merge(String, Dataset, Column, Function, long)}, with a row count known once the rows are written. */
  public void merge(
      String table,
      Dataset<Row> rows,
      Column condition,
      Function<DeltaMergeBuilder, DeltaMergeBuilder> clauses,
      LongSupplier rowCount) {
    long before = rememberVersionBefore(table);
    if (before == Lakehouse.ABSENT) {
      writer(table, rows, "append", before).save(lakehouse.path(table));
    } else {
      String stats = statsColumns(table);
      if (stats != null) {
        ensureStatsColumns(table, stats);
      }
      SparkSession spark = spark();
      spark.conf().set(USER_METADATA_CONF, userMetadata(table));
      try {
        clauses
            .apply(DeltaTable.forPath(spark, lakehouse.path(table)).as("t").merge(withProvenance(rows).as("s"), condition))
            .execute();
      } finally {
        spark.conf().unset(USER_METADATA_CONF);
      }
    }
    afterWrite(table, before, rowCount.getAsLong());
  }

  /**
   * A Delta writer of the rows with the run's provenance, for a table that carries its declared
   * statistics columns ({@link Tables#STATS_COLUMNS}): set as an option when the write creates the
   * table, and by one ALTER commit first on an existing table that lacks them (a rollback restores
   * the version before both).
   */
  private DataFrameWriter<Row> writer(String table, Dataset<Row> rows, String mode, long before) {
    DataFrameWriter<Row> writer =
        withProvenance(rows).write().format("delta").mode(mode).option("userMetadata", userMetadata(table));
    String stats = statsColumns(table);
    if (stats != null && before == Lakehouse.ABSENT) {
      writer.option(STATS_COLUMNS_PROPERTY, stats);
    } else if (stats != null) {
      ensureStatsColumns(table, stats);
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
      spark().sql("ALTER TABLE delta.`" + lakehouse.path(table) + "` SET TBLPROPERTIES ('" + STATS_COLUMNS_PROPERTY + "' = '" + stats + "')");
    } finally {
      spark().conf().unset(USER_METADATA_CONF);
    }
  }

  private Dataset<Row> withProvenance(Dataset<Row> rows) {
    return rows.withColumn(Columns.RUN_ID, lit(context.runId()));
  }

  private synchronized long rememberVersionBefore(String table) {
    return versionsBefore.computeIfAbsent(table, lakehouse::version);
  }

  private void afterWrite(String table, long before, long rowCount) {
    lakehouse.register(table);
    recordOutput(table, before, rowCount);
  }

  private synchronized void recordOutput(String table, long before, long rowCount) {
    Output previous = outputs.get(table);
    long rows = rowCount + (previous != null ? previous.rows() : 0);
    outputs.put(table, new Output(table, versionsBefore.get(table), lakehouse.version(table), rows));
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
   * Puts every table this run changed back to its version before the run: RESTORE for tables that
   * existed, removal for tables the run created. Best effort: every table is tried.
   *
   * @return the tables that were rolled back
   */
  public List<String> rollback() {
    List<String> rolledBack = new ArrayList<>();
    for (Map.Entry<String, Long> entry : versionsBefore.entrySet()) {
      String table = entry.getKey();
      long before = entry.getValue();
      try {
        long now = lakehouse.version(table);
        if (now == before) {
          continue;
        }
        if (before == Lakehouse.ABSENT) {
          lakehouse.unregister(table);
          Path path = new Path(lakehouse.path(table));
          FileSystem fs = path.getFileSystem(spark().sparkContext().hadoopConfiguration());
          fs.delete(path, true);
        } else {
          spark().conf().set(USER_METADATA_CONF, userMetadata(table));
          try {
            DeltaTable.forPath(spark(), lakehouse.path(table)).restoreToVersion(before);
          } finally {
            spark().conf().unset(USER_METADATA_CONF);
          }
        }
        rolledBack.add(table);
        LOG.warn("Rolled back table {} to version {}", table, before);
      } catch (IOException | RuntimeException e) {
        LOG.error("Could not roll back table {} to version {}", table, before, e);
      }
    }
    outputs.clear();
    return rolledBack;
  }
}
