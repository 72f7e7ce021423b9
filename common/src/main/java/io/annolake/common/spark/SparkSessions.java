package io.annolake.common.spark;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.NioLocalFileSystem;
import io.annolake.common.io.TableMaintenance;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every job runs in: Delta enabled, UTC, the configured catalog. */
public final class SparkSessions {
  /**
   * Schemes Delta reaches S3 through; its default LogStore there is safe for one writing driver
   * only.
   */
  private static final Set<String> S3_SCHEMES = Set.of("s3", "s3a", "s3n");

  /** Delta LogStores that make concurrent commits from several drivers safe on S3. */
  static final Set<String> MULTI_WRITER_S3_LOG_STORES =
      Set.of("io.delta.storage.S3DynamoDBLogStore");

  /**
   * The options Spark needs on Java 17 (those of Spark's own build), for executors on a cluster.
   */
  static final String JAVA17_OPTIONS =
      String.join(
          " ",
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true",
          // as bin/annolake: Spark's generated code for wide projections exceeds the JIT's 8 kB
          "-XX:-DontCompileHugeMethods");

  private SparkSessions() {}

  /**
   * Returns the active session if there is one (notebooks, tests), else a new one from the
   * configuration (spark-submit sets spark.* properties, which win over the configuration). Either
   * way the lakehouse is checked against the session's settings first.
   */
  public static SparkSession getOrCreate(AnnolakeConfig config, String lakehouseRoot) {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active == null) {
      active = SparkSession.getDefaultSession().getOrElse(() -> null);
    }
    if (active != null) {
      checkLogStore(config, lakehouseRoot, active.sparkContext().getConf());
      return active;
    }
    SparkSession spark = SparkSession.builder().config(conf(config, lakehouseRoot)).getOrCreate();
    if (!spark.sparkContext().isLocal()) {
      ExecutorWatchdog.install(
          spark.sparkContext(), config.duration("annolake.spark.executor-loss-timeout"));
    }
    return spark;
  }

  /**
   * The Spark settings annolake needs, from the configuration; checks the lakehouse against them.
   */
  public static SparkConf conf(AnnolakeConfig config, String lakehouseRoot) {
    SparkConf conf = new SparkConf(true);
    if (!conf.contains("spark.master")) {
      conf.setMaster(config.string("annolake.spark.master"));
    }
    conf.setIfMissing("spark.app.name", config.string("annolake.spark.app-name"));
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    int shuffle = config.integer("annolake.spark.shuffle-partitions");
    AnnolakeConfig.require(
        shuffle > 0, "annolake.spark.shuffle-partitions", shuffle, "must be positive");
    conf.set("spark.sql.shuffle.partitions", Integer.toString(shuffle));
    conf.set(
        "spark.databricks.delta.snapshotPartitions",
        Integer.toString(config.integer("annolake.spark.delta-snapshot-partitions")));
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.set("spark.sql.ansi.enabled", "false");
    conf.setIfMissing("spark.ui.enabled", "false");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Local paths without a process per created file and per Delta commit (see NioLocalFileSystem).
    conf.setIfMissing("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());
    conf.setIfMissing(
        "spark.hadoop.fs.AbstractFileSystem.file.impl", NioLocalFileSystem.Fs.class.getName());
    String master = conf.get("spark.master");
    if (master.startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      // VACUUM lists a table's folders in a Spark job of this many tasks. Spark's default, 10,000,
      // is sized
      // for a cluster: a VACUUM of a 6-file table took 113-189 s with it here, 28-36 s with 2 (a
      // loaded host).
      conf.setIfMissing(
          "spark.sql.sources.parallelPartitionDiscovery.parallelism",
          Integer.toString(Math.max(2, shuffle)));
    } else {
      // Executors are separate JVMs: they need the same Java 17 options as the driver.
      conf.setIfMissing("spark.executor.extraJavaOptions", JAVA17_OPTIONS);
    }
    catalog(conf, config, lakehouseRoot);
    // every table created in the session gets the configured retention (maintain sets it on older
    // ones)
    TableMaintenance.Retention.from(config).sessionDefaults().forEach(conf::set);
    for (Map.Entry<String, String> e : config.stringMap("annolake.spark.extra").entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    checkLogStore(config, lakehouseRoot, conf);
    return conf;
  }

  /**
   * Catalog settings. Never derives a local folder from a remote root: the warehouse (where CREATE
   * DATABASE puts its folder) is a URI under the root, and the embedded metastore refuses a remote
   * root.
   */
  private static void catalog(SparkConf conf, AnnolakeConfig config, String lakehouseRoot) {
    String root = Lakehouse.normalizeRoot(lakehouseRoot);
    conf.setIfMissing("spark.sql.warehouse.dir", root + "/_catalog/warehouse");
    String catalog = config.string("annolake.lakehouse.catalog");
    String metastoreUri = config.string("annolake.lakehouse.metastore-uri");
    switch (catalog) {
      case "in-memory" -> conf.set("spark.sql.catalogImplementation", "in-memory");
      case "hive" -> {
        if (metastoreUri.isBlank()) {
          throw new ConfigException(
              "Missing value for key 'annolake.lakehouse.metastore-uri': catalog 'hive' needs the shared metastore's"
                  + " URI (e.g. thrift://metastore:9083); catalog 'hive-embedded' is a single-process local one");
        }
        conf.set("spark.sql.catalogImplementation", "hive");
        conf.set("spark.hadoop.hive.metastore.uris", metastoreUri);
      }
      case "hive-embedded" -> {
        URI uri = URI.create(root);
        if (!"file".equals(uri.getScheme())) {
          throw new ConfigException(
              "Invalid value 'hive-embedded' for key 'annolake.lakehouse.catalog': the embedded metastore lives in a"
                  + " local folder, and the lakehouse root "
                  + lakehouseRoot
                  + " is not local; use catalog 'hive' with annolake.lakehouse.metastore-uri, or 'in-memory'");
        }
        Path catalogDir = Path.of(uri).resolve("_catalog");
        conf.set("spark.sql.catalogImplementation", "hive");
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
          throw new java.io.UncheckedIOException(
              "Cannot create the catalog folder " + catalogDir, e);
        }
        System.setProperty("derby.stream.error.file", catalogDir.resolve("derby.log").toString());
      }
      default ->
          throw new ConfigException(
              "Invalid value '"
                  + catalog
                  + "' for key 'annolake.lakehouse.catalog': expected in-memory, hive or hive-embedded");
    }
    if (!metastoreUri.isBlank() && !"hive".equals(catalog)) {
      throw new ConfigException(
          "Invalid value '"
              + metastoreUri
              + "' for key 'annolake.lakehouse.metastore-uri': used only with catalog 'hive'");
    }
  }

  /**
   * Refuses an S3 lakehouse whose Delta LogStore is safe for one writing driver only (Delta's
   * default there: S3 has no put-if-absent, so two drivers committing the same version both succeed
   * and one commit is lost), unless the configuration says a single driver writes.
   */
  static void checkLogStore(AnnolakeConfig config, String lakehouseRoot, SparkConf conf) {
    String scheme =
        URI.create(Lakehouse.normalizeRoot(lakehouseRoot)).getScheme().toLowerCase(Locale.ROOT);
    if (!S3_SCHEMES.contains(scheme) || config.bool("annolake.lakehouse.single-writer")) {
      return;
    }
    String key = "spark.delta.logStore." + scheme + ".impl";
    String logStore = conf.get(key, conf.get("spark.delta.logStore.class", ""));
    if (!MULTI_WRITER_S3_LOG_STORES.contains(logStore)) {
      throw new ConfigException(
          "Invalid value '"
              + lakehouseRoot
              + "' for key 'annolake.lakehouse.root': Delta on S3 needs a LogStore that is safe with several writing"
              + " drivers: set "
              + key
              + " = io.delta.storage.S3DynamoDBLogStore (in annolake.spark.extra or spark-submit --conf; docs/CLUSTER.md),"
              + " or annolake.lakehouse.single-writer = true if one driver at a time writes this lakehouse"
              + (logStore.isEmpty() ? "" : " (" + key + " is '" + logStore + "')"));
    }
  }
}
