package io.annolake.common.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session's settings from the configuration: catalogs, the S3 LogStore check, cluster options.
 */
class SparkSessionsTest {
  private static final String DYNAMO = "io.delta.storage.S3DynamoDBLogStore";

  private static SparkConf conf(String root, Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(settings);
    all.put("annolake.lakehouse.root", root);
    return SparkSessions.conf(AnnolakeConfig.load(null, all), root);
  }

  private static Map<String, Object> dynamo(Map<String, Object> more) {
    Map<String, Object> all = new HashMap<>(more);
    all.put("annolake.spark.extra", Map.of("spark.delta.logStore.s3a.impl", DYNAMO));
    return all;
  }

  @Test
  void theDefaultCatalogIsPerSessionWithItsWarehouseInsideTheLakehouse(@TempDir Path dir) {
    SparkConf conf = conf(dir.resolve("lh").toString(), Map.of());
    assertThat(conf.get("spark.sql.catalogImplementation")).isEqualTo("in-memory");
    assertThat(conf.get("spark.sql.warehouse.dir"))
        .isEqualTo(dir.resolve("lh").toUri() + "/_catalog/warehouse");
    assertThat(conf.contains("spark.hadoop.javax.jdo.option.ConnectionURL")).isFalse();
  }

  @Test
  void hiveOnAnS3LakehouseUsesTheRemoteMetastoreAndBuildsNoLocalPath() {
    SparkConf conf =
        conf(
            "s3a://bucket/annolake",
            dynamo(
                Map.of(
                    "annolake.lakehouse.catalog",
                    "hive",
                    "annolake.lakehouse.metastore-uri",
                    "thrift://ms:9083")));
    assertThat(conf.get("spark.sql.catalogImplementation")).isEqualTo("hive");
    assertThat(conf.get("spark.hadoop.hive.metastore.uris")).isEqualTo("thrift://ms:9083");
    assertThat(conf.get("spark.sql.warehouse.dir"))
        .isEqualTo("s3a://bucket/annolake/_catalog/warehouse");
    assertThat(conf.contains("spark.hadoop.javax.jdo.option.ConnectionURL")).isFalse();
    // Every path-like setting stays on S3: nothing names the driver's working folder.
    String cwd = Path.of("").toAbsolutePath().toString();
    for (scala.Tuple2<String, String> setting : conf.getAll()) {
      assertThat(setting._2()).as(setting._1()).doesNotContain(cwd);
    }
    assertThat(Files.exists(Path.of("s3a:"))).isFalse();
  }

  @Test
  void hiveWithoutAMetastoreUriIsAConfigurationError(@TempDir Path dir) {
    assertThatThrownBy(() -> conf(dir.toString(), Map.of("annolake.lakehouse.catalog", "hive")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'annolake.lakehouse.metastore-uri'");
  }

  @Test
  void theEmbeddedMetastoreRefusesARemoteRoot() {
    assertThatThrownBy(
            () ->
                conf(
                    "s3a://bucket/annolake",
                    dynamo(Map.of("annolake.lakehouse.catalog", "hive-embedded"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'annolake.lakehouse.catalog'")
        .hasMessageContaining("not local");
  }

  @Test
  void theEmbeddedMetastoreLivesUnderALocalRoot(@TempDir Path dir) {
    SparkConf conf = conf(dir.toString(), Map.of("annolake.lakehouse.catalog", "hive-embedded"));
    assertThat(conf.get("spark.sql.catalogImplementation")).isEqualTo("hive");
    assertThat(conf.get("spark.hadoop.javax.jdo.option.ConnectionURL"))
        .isEqualTo(
            "jdbc:derby:;databaseName="
                + dir.resolve("_catalog").resolve("metastore_db")
                + ";create=true");
  }

  @Test
  void aMetastoreUriNeedsTheHiveCatalog(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                conf(
                    dir.toString(), Map.of("annolake.lakehouse.metastore-uri", "thrift://ms:9083")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'annolake.lakehouse.metastore-uri'");
  }

  @Test
  void anUnknownCatalogIsAConfigurationError(@TempDir Path dir) {
    assertThatThrownBy(() -> conf(dir.toString(), Map.of("annolake.lakehouse.catalog", "derby")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Invalid value 'derby' for key 'annolake.lakehouse.catalog'");
  }

  @Test
  void anS3LakehouseWithoutAMultiWriterLogStoreIsRefused() {
    assertThatThrownBy(() -> conf("s3a://bucket/annolake", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'annolake.lakehouse.root'")
        .hasMessageContaining("spark.delta.logStore.s3a.impl = " + DYNAMO)
        .hasMessageContaining("annolake.lakehouse.single-writer");
    assertThatThrownBy(
            () ->
                conf(
                    "s3a://bucket/annolake",
                    Map.of(
                        "annolake.spark.extra",
                        Map.of(
                            "spark.delta.logStore.s3a.impl",
                            "io.delta.storage.S3SingleDriverLogStore"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is 'io.delta.storage.S3SingleDriverLogStore'");
  }

  @Test
  void anS3LakehouseRunsWithAMultiWriterLogStoreOrASingleWriter() {
    assertThat(conf("s3a://bucket/annolake", dynamo(Map.of())).get("spark.delta.logStore.s3a.impl"))
        .isEqualTo(DYNAMO);
    assertThat(conf("s3a://bucket/annolake", Map.of("annolake.lakehouse.single-writer", true)))
        .isNotNull();
    // Other object stores have put-if-absent (or Delta's own safe LogStore) and need neither.
    assertThat(conf("abfss://c@acct.dfs.core.windows.net/annolake", Map.of())).isNotNull();
    assertThat(conf("gs://bucket/annolake", Map.of())).isNotNull();
  }

  @Test
  void clusterExecutorsGetTheJava17Options(@TempDir Path dir) {
    SparkConf conf =
        conf(dir.toString(), Map.of("annolake.spark.master", "spark://127.0.0.1:7077"));
    assertThat(conf.get("spark.executor.extraJavaOptions"))
        .contains("--add-opens=java.base/java.net=ALL-UNNAMED");
    assertThat(conf.contains("spark.driver.host")).isFalse();
  }

  @Test
  void theProductionExampleIsValid() {
    Path example =
        Path.of(
            System.getProperty("annolake.project.root", ".."), "conf", "production.example.conf");
    AnnolakeConfig config = AnnolakeConfig.load(example, Map.of());
    SparkConf conf = SparkSessions.conf(config, config.string("annolake.lakehouse.root"));
    assertThat(conf.get("spark.delta.logStore.s3a.impl")).isEqualTo(DYNAMO);
    assertThat(conf.get("spark.sql.catalogImplementation")).isEqualTo("hive");
  }
}
