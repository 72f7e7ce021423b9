package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * The lakehouse: a root folder (or object-store URI) holding one Delta table per folder, each also
 * registered in a catalog database. The only place that knows where tables live.
 */
public final class Lakehouse {
  /** Version reported for a table that does not exist yet. */
  public static final long ABSENT = -1L;

  private final SparkSession spark;
  private final String root;
  private final String database;

  public Lakehouse(SparkSession spark, String root, String database) {
    this.spark = spark;
    this.root = normalizeRoot(root);
    this.database = database;
  }

  /** A local path becomes an absolute file URI; a URI with a scheme is kept as it is. */
  public static String normalizeRoot(String root) {
    URI uri = URI.create(root.replace(" ", "%20"));
    String normalized =
        uri.getScheme() != null && uri.getScheme().length() > 1
            ? root
            : Path.of(root).toAbsolutePath().normalize().toUri().toString();
    return normalized.endsWith("/") ? normalized.substring(0, normalized.length() - 1) : normalized;
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  public String database() {
    return database;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  /** The qualified catalog name, e.g. {@code annolake.annotations}. */
  public String qualified(String table) {
    return database + "." + table;
  }

  public boolean exists(String table) {
    // from a refreshed snapshot: DeltaTable.isDeltaTable answers from the snapshot this JVM cached,
    // so a table another process created after this JVM first looked stayed "absent"
    return version(table) != ABSENT;
  }

  /**
   * The table's latest version, or {@link #ABSENT}. Read from the Delta log's snapshot (no Spark
   * job, unlike DESCRIBE HISTORY); jobs ask for versions around every write.
   */
  public long version(String table) {
    DeltaLog log = DeltaLog.forTable(spark, path(table));
    long version =
        log.update(log.update$default$1(), log.update$default$2(), log.update$default$3())
            .version();
    return version < 0 ? ABSENT : version;
  }

  /** The table's Delta properties (TBLPROPERTIES) at its latest version; empty when absent. */
  public java.util.Map<String, String> properties(String table) {
    DeltaLog log = DeltaLog.forTable(spark, path(table));
    var snapshot =
        log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
    return scala.collection.JavaConverters.mapAsJavaMap(snapshot.metadata().configuration());
  }

  /** The table's partition columns at its latest version; empty when absent or unpartitioned. */
  public List<String> partitionColumns(String table) {
    DeltaLog log = DeltaLog.forTable(spark, path(table));
    var snapshot =
        log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
    return scala.collection.JavaConverters.seqAsJavaList(snapshot.metadata().partitionColumns());
  }

  /**
   * Delta's record of a commit: its operation (WRITE, MERGE, ...) and metrics (numOutputRows, ...).
   */
  public record Commit(String operation, java.util.Map<String, String> metrics) {}

  /**
   * The table's latest commit, from its history (a Spark job: for reports and tests, not per
   * write).
   */
  public Commit lastCommit(String table) {
    return commit(table, version(table));
  }

  /** The commit that made a version of the table (another run may have committed since). */
  public Commit commit(String table, long version) {
    return commit(table, col("version").equalTo(version));
  }

  /** A run's own commit among versions (after, upTo]: other runs may have committed in between. */
  public Commit commitOf(String table, long after, long upTo, String runId) {
    return commit(
        table,
        col("version")
            .gt(after)
            .and(col("version").leq(upTo))
            .and(get_json_object(col("userMetadata"), "$.run_id").equalTo(lit(runId))));
  }

  private Commit commit(String table, Column which) {
    Row row =
        DeltaTable.forPath(spark, path(table))
            .history()
            .where(which)
            .orderBy(col("version").desc())
            .select("operation", "operationMetrics")
            .head();
    int metricsAt = row.fieldIndex("operationMetrics");
    java.util.Map<String, String> metrics =
        row.isNullAt(metricsAt) ? java.util.Map.of() : row.getJavaMap(metricsAt);
    return new Commit(row.getAs("operation"), metrics);
  }

  /** The table as of a version (pinned reads make a run reproducible). */
  public Dataset<Row> read(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** The table at its latest version. */
  public Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /** Creates the catalog database and registers every existing table of the given names in it. */
  public void registerAll(List<String> tables) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + identifier(database));
    for (String table : tables) {
      if (exists(table)) {
        register(table);
      }
    }
  }

  /**
   * Registers one table in the catalog; a no-op if it is registered already (a catalog lookup:
   * CREATE TABLE would load the table's Delta snapshot, seconds per table in a fresh JVM).
   */
  public void register(String table) {
    if (!persistentCatalog()) {
      return; // a session's own in-memory catalog: jobs read and write by path; nobody else sees it
    }
    if (spark.catalog().databaseExists(database) && spark.catalog().tableExists(database, table)) {
      return;
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS " + identifier(database));
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + identifier(database)
            + "."
            + identifier(table)
            + " USING DELTA LOCATION "
            + Predicates.literal(path(table)));
  }

  /**
   * Sets one Delta table property (an ALTER commit; DDL takes no bound parameters, hence quoting).
   */
  public void setProperty(String table, String key, String value) {
    spark.sql(
        "ALTER TABLE delta."
            + identifier(path(table))
            + " SET TBLPROPERTIES ("
            + Predicates.literal(key)
            + " = "
            + Predicates.literal(value)
            + ")");
  }

  /**
   * A back-quoted identifier (a name or a table path), its back quotes doubled as Spark's parser
   * reads them.
   */
  static String identifier(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** Whether the session's catalog outlives it (Hive): only then are tables worth registering. */
  public boolean persistentCatalog() {
    return "hive"
        .equals(spark.sparkContext().conf().get("spark.sql.catalogImplementation", "in-memory"));
  }

  /** Removes a table's catalog entry (its files are left to the caller). */
  public void unregister(String table) {
    spark.sql("DROP TABLE IF EXISTS " + identifier(database) + "." + identifier(table));
  }
}
