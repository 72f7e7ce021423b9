package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;

import io.annolake.common.config.AnnolakeConfig;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.TruncationGranularity$;
import org.apache.spark.sql.delta.util.FileNames;
import scala.Option;

/**
 * Housekeeping of the lakehouse's Delta tables: retention properties from the configuration,
 * OPTIMIZE, VACUUM, and the physical side of an erasure (DELETE/UPDATE with Column conditions,
 * VACUUM with no retention, and the Delta log cut at a new checkpoint so that no log file, commit
 * predicate or file statistic of an earlier version survives).
 */
public final class TableMaintenance {
  /** Delta's table property for how long log entries (time travel) are kept. */
  public static final String LOG_RETENTION = "delta.logRetentionDuration";

  /** Delta's table property for how long VACUUM keeps files a newer version removed. */
  public static final String DELETED_FILE_RETENTION = "delta.deletedFileRetentionDuration";

  private static final String RETENTION_CHECK =
      "spark.databricks.delta.retentionDurationCheck.enabled";

  /** The two retention periods of every table. */
  public record Retention(Duration log, Duration deletedFiles) {
    /** From {@code annolake.retention.log} and {@code annolake.retention.deleted-files}. */
    public static Retention from(AnnolakeConfig config) {
      Duration log = config.duration("annolake.retention.log");
      Duration files = config.duration("annolake.retention.deleted-files");
      AnnolakeConfig.require(
          !log.isNegative() && log.toHours() >= 1,
          "annolake.retention.log",
          log,
          "must be at least 1h");
      AnnolakeConfig.require(
          !files.isNegative(), "annolake.retention.deleted-files", files, "must not be negative");
      return new Retention(log, files);
    }

    /** The table properties, as Delta's interval text. */
    public Map<String, String> properties() {
      return Map.of(LOG_RETENTION, interval(log), DELETED_FILE_RETENTION, interval(deletedFiles));
    }

    /** Session defaults that give every table created in the session these properties. */
    public Map<String, String> sessionDefaults() {
      Map<String, String> out = new LinkedHashMap<>();
      properties()
          .forEach(
              (k, v) ->
                  out.put(
                      "spark.databricks.delta.properties.defaults."
                          + k.substring("delta.".length()),
                      v));
      return out;
    }
  }

  private final Lakehouse lakehouse;

  public TableMaintenance(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  /** Delta's interval text of a duration, in whole seconds (Delta accepts no months or years). */
  static String interval(Duration d) {
    return "interval " + d.toSeconds() + " seconds";
  }

  /** Every Delta table under the lakehouse root (a folder holding {@code _delta_log}), by name. */
  public List<String> tables() {
    List<String> out = new ArrayList<>();
    try {
      Path root = new Path(lakehouse.root());
      FileSystem fs = root.getFileSystem(hadoop());
      if (!fs.exists(root)) {
        return out;
      }
      for (FileStatus s : fs.listStatus(root)) {
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), "_delta_log"))) {
          out.add(s.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the tables under " + lakehouse.root(), e);
    }
    out.sort(String::compareTo);
    return out;
  }

  /** Sets the retention properties where they differ (one commit, none when they match). */
  public boolean setRetention(String table, Retention retention) {
    Map<String, String> wanted = retention.properties();
    Map<String, String> now = lakehouse.properties(table);
    if (wanted.entrySet().stream().allMatch(e -> e.getValue().equals(now.get(e.getKey())))) {
      return false;
    }
    setProperties(table, wanted);
    return true;
  }

  /**
   * Several properties in one ALTER commit (DDL takes no bound parameters, hence Spark's quoting).
   */
  private void setProperties(String table, Map<String, String> properties) {
    StringBuilder sql =
        new StringBuilder("ALTER TABLE delta.")
            .append(Lakehouse.identifier(lakehouse.path(table)))
            .append(" SET TBLPROPERTIES (");
    String sep = "";
    for (Map.Entry<String, String> e : properties.entrySet()) {
      sql.append(sep)
          .append(Predicates.literal(e.getKey()))
          .append(" = ")
          .append(Predicates.literal(e.getValue()));
      sep = ", ";
    }
    spark().sql(sql.append(')').toString());
  }

  /** OPTIMIZE (bin-packing compaction); returns the files removed by it. */
  public long optimize(String table) {
    var metrics =
        DeltaTable.forPath(spark(), lakehouse.path(table))
            .optimize()
            .executeCompaction()
            .select(col("metrics.numFilesRemoved").as("files_removed"))
            .head();
    Long removed = metrics.getAs("files_removed");
    return removed == null ? 0 : removed;
  }

  /** VACUUM with the table's own deleted-file retention. */
  public void vacuum(String table) {
    DeltaTable.forPath(spark(), lakehouse.path(table)).vacuum();
  }

  /** Deletes the rows matching the condition (a Column); returns Delta's count of deleted rows. */
  public long delete(String table, Column condition) {
    long before = lakehouse.version(table);
    DeltaTable.forPath(spark(), lakehouse.path(table)).delete(condition);
    return metric(table, before, "DELETE", "numDeletedRows");
  }

  /** Updates the rows matching the condition; returns Delta's count of updated rows. */
  public long update(String table, Column condition, Map<String, Column> assignments) {
    long before = lakehouse.version(table);
    DeltaTable.forPath(spark(), lakehouse.path(table)).update(condition, assignments);
    return metric(table, before, "UPDATE", "numUpdatedRows");
  }

  /** The operation's metric from the commit it made, 0 when it made none (nothing matched). */
  private long metric(String table, long before, String operation, String name) {
    if (lakehouse.version(table) == before) {
      return 0;
    }
    Lakehouse.Commit last = lakehouse.lastCommit(table);
    String v = operation.equals(last.operation()) ? last.metrics().get(name) : null;
    return v == null ? 0 : Long.parseLong(v);
  }

  /**
   * Makes earlier versions of the table physically gone: VACUUM with no retention (every file the
   * current version does not use), then a property commit that drops tombstones, a checkpoint at
   * it, and the removal of every log file, checkpoint and checksum older than that checkpoint; a
   * last commit puts the configured retention back. Time travel then starts at the checkpoint's
   * version. Run while no other job writes the table (a reader of an older version fails).
   *
   * @return the first version still readable
   */
  public long forgetHistory(String table, Retention retention) {
    SparkSession spark = spark();
    String previous = spark.conf().get(RETENTION_CHECK, "true");
    spark.conf().set(RETENTION_CHECK, "false");
    try {
      DeltaTable.forPath(spark, lakehouse.path(table)).vacuum(0.0);
    } finally {
      spark.conf().set(RETENTION_CHECK, previous);
    }
    // tombstones older than "now" leave the checkpoint only when the deleted-file retention is 0
    setProperties(
        table,
        Map.of(
            LOG_RETENTION,
            retention.properties().get(LOG_RETENTION),
            DELETED_FILE_RETENTION,
            "interval 0 seconds"));
    DeltaLog log = DeltaLog.forTable(spark, lakehouse.path(table));
    Snapshot snapshot = log.update(false, Option.empty(), Option.empty());
    long cut = snapshot.version();
    log.checkpoint(snapshot, Option.empty());
    // a cut-off a day ahead: every log file before the checkpoint is older than it (Delta rounds
    // the cut-off down to the day, so a zero retention would keep today's files)
    log.cleanUpExpiredLogs(
        snapshot,
        Option.apply((Object) (-Duration.ofDays(1).toMillis())),
        TruncationGranularity$.MODULE$.DAY());
    deleteOldChecksums(log, cut);
    setProperties(table, retention.properties());
    return cut;
  }

  /** Delta's per-version checksum files (.crc) are not log files to its cleanup; they go too. */
  private void deleteOldChecksums(DeltaLog log, long before) {
    try {
      Path logPath = log.logPath();
      FileSystem fs = logPath.getFileSystem(hadoop());
      for (FileStatus s : fs.listStatus(logPath)) {
        Path p = s.getPath();
        if (FileNames.isChecksumFile(p) && FileNames.checksumVersion(p) < before) {
          fs.delete(p, false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean the log of " + log.dataPath(), e);
    }
  }

  private SparkSession spark() {
    return lakehouse.spark();
  }

  private org.apache.hadoop.conf.Configuration hadoop() {
    return spark().sparkContext().hadoopConfiguration();
  }
}
