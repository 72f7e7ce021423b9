package io.annolake.common.spark;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every job runs in: Delta enabled, UTC, the configured catalog. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Returns the active session if there is one (spark-submit, notebooks, tests), else a new one
   * from the configuration.
   */
  public static SparkSession getOrCreate(AnnolakeConfig config, String lakehouseRoot) {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active == null) {
      active = SparkSession.getDefaultSession().getOrElse(() -> null);
    }
    if (active != null) {
      return active;
    }
    return SparkSession.builder().config(conf(config, lakehouseRoot)).getOrCreate();
  }

  /** The Spark settings annolake needs, from the configuration. */
  public static SparkConf conf(AnnolakeConfig config, String lakehouseRoot) {
    SparkConf conf = new SparkConf(true);
    if (!conf.contains("spark.master")) {
      conf.setMaster(config.string("annolake.spark.master"));
    }
    conf.setIfMissing("spark.app.name", config.string("annolake.spark.app-name"));
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    int shuffle = config.integer("annolake.spark.shuffle-partitions");
    AnnolakeConfig.require(shuffle > 0, "annolake.spark.shuffle-partitions", shuffle, "must be positive");
    conf.set("spark.sql.shuffle.partitions", Integer.toString(shuffle));
    conf.set(
        "spark.databricks.delta.snapshotPartitions",
        Integer.toString(config.integer("annolake.spark.delta-snapshot-partitions")));
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.set("spark.sql.ansi.enabled", "false");
    conf.setIfMissing("spark.ui.enabled", "false");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    String catalog = config.string("annolake.lakehouse.catalog");
    switch (catalog) {
      case "hive" -> {
        Path catalogDir = Path.of(lakehouseRoot).toAbsolutePath().resolve("_catalog");
        conf.set("spark.sql.catalogImplementation", "hive");
        conf.set("spark.sql.warehouse.dir", catalogDir.resolve("warehouse").toString());
        conf.set(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + catalogDir.resolve("metastore_db") + ";create=true");
        conf.set("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
        conf.set("spark.hadoop.hive.metastore.schema.verification", "false");
        // Derby opens its log before it creates the database folder: without the folder, a new
        // lakehouse's first run printed a FileNotFoundException trace.
        try {
          java.nio.file.Files.createDirectories(catalogDir);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("Cannot create the catalog folder " + catalogDir, e);
        }
        System.setProperty("derby.stream.error.file", catalogDir.resolve("derby.log").toString());
      }
      case "in-memory" -> conf.set("spark.sql.catalogImplementation", "in-memory");
      default ->
          throw new ConfigException(
              "Invalid value '" + catalog + "' for key 'annolake.lakehouse.catalog': expected hive or in-memory");
    }
    for (Map.Entry<String, String> e : config.stringMap("annolake.spark.extra").entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    return conf;
  }
}
