package io.annolake.common.testing;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM (Surefire reuses one fork), with the settings measured to keep
 * tests fast on 2 cores: local[2], 2 shuffle partitions, AQE off, code generation off, UI off, 2
 * Delta snapshot partitions, loopback driver, in-memory catalog.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  /** The shared session, created on first use and stopped when the JVM exits. */
  public static synchronized SparkSession get() {
    if (session == null) {
      AnnolakeConfig config =
          AnnolakeConfig.load(
              null,
              Map.of(
                  "annolake.spark.master",
                  "local[2]",
                  "annolake.spark.shuffle-partitions",
                  2,
                  "annolake.lakehouse.catalog",
                  "in-memory",
                  "annolake.progress.interval-seconds",
                  0));
      Path warehouse;
      try {
        warehouse = Files.createTempDirectory("annolake-test-warehouse");
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      SparkConf conf =
          SparkSessions.conf(config, warehouse.toString())
              .set("spark.sql.adaptive.enabled", "false")
              .set("spark.ui.enabled", "false")
              .set("spark.sql.warehouse.dir", warehouse.resolve("warehouse").toString())
              .set("spark.default.parallelism", "2");
      if (!Boolean.getBoolean("annolake.test.codegen")) {
        // Code generation compiles (and the JIT then compiles) classes for every new query: on the
        // tests' tiny inputs that costs more than it saves, as on the demo's (docs/BENCHMARKS.md).
        // The trials run bin/annolake with Spark's defaults; -Dannolake.test.codegen=true runs the
        // suite with code generation too.
        conf.set("spark.sql.codegen.wholeStage", "false")
            .set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
      }
      session = SparkSession.builder().config(conf).getOrCreate();
      // Jobs run through the CLI in tests read these site settings: quiet, small shuffles.
      try {
        Path site = Files.createTempFile("annolake-test-site", ".conf");
        Files.writeString(
            site,
            "annolake { lakehouse.catalog = in-memory, spark.shuffle-partitions = 2, progress.interval-seconds = 0 }");
        System.setProperty("annolake.site-conf", site.toString());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
    }
    return session;
  }

  /** Settings tests pass to jobs so they use this session's catalog and stay quiet. */
  public static Map<String, Object> testOverrides() {
    return Map.of(
        "annolake.lakehouse.catalog", "in-memory",
        "annolake.spark.shuffle-partitions", 2,
        "annolake.progress.interval-seconds", 0);
  }

  /** The shared data folder (../shared/data) or null when it is absent. */
  public static Path sharedData() {
    String p = System.getProperty("annolake.shared.data");
    if (p == null) {
      return null;
    }
    Path path = Path.of(p);
    return Files.isDirectory(path) ? path : null;
  }
}
