package io.annolake.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnolakeConfigTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("test.conf");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void defaultsComeFromReferenceConf() {
    // The Spark test harness sets a site file for the JVM; this test is about the bare defaults.
    String site = System.clearProperty("annolake.site-conf");
    try {
      AnnolakeConfig config = AnnolakeConfig.load(null, Map.of());
      assertThat(config.string("annolake.lakehouse.database")).isEqualTo("annolake");
      assertThat(config.integer("annolake.spark.shuffle-partitions")).isEqualTo(8);
    } finally {
      if (site != null) {
        System.setProperty("annolake.site-conf", site);
      }
    }
  }

  @Test
  void fileAndOverridesLayerOnTheDefaults() throws Exception {
    AnnolakeConfig config =
        AnnolakeConfig.load(
            file("annolake.spark.shuffle-partitions = 16"),
            Map.of("annolake.lakehouse.root", "/x"));
    assertThat(config.integer("annolake.spark.shuffle-partitions")).isEqualTo(16);
    assertThat(config.string("annolake.lakehouse.root")).isEqualTo("/x");
  }

  @Test
  void unknownKeyIsRejectedByName() throws Exception {
    Path f = file("annolake.ingest.future-tolerence = 2h");
    assertThatThrownBy(() -> AnnolakeConfig.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'annolake.ingest.future-tolerence'");
  }

  @Test
  void keysOutsideTheRootAreRejected() throws Exception {
    Path f = file("spark.master = \"local\"");
    assertThatThrownBy(() -> AnnolakeConfig.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'spark.master'");
  }

  @Test
  void wrongTypeNamesTheKey() throws Exception {
    Path f = file("annolake.spark.shuffle-partitions = many");
    assertThatThrownBy(() -> AnnolakeConfig.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.spark.shuffle-partitions");
  }

  @Test
  void sparkExtraIsFreeForm() throws Exception {
    AnnolakeConfig config =
        AnnolakeConfig.load(
            file("annolake.spark.extra { \"spark.executor.memory\" = \"2g\" }"), Map.of());
    assertThat(config.stringMap("annolake.spark.extra"))
        .containsEntry("spark.executor.memory", "2g");
  }

  @Test
  void missingFileNamesTheOption() {
    assertThatThrownBy(() -> AnnolakeConfig.load(dir.resolve("nope.conf"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--conf");
  }

  @Test
  void requireNamesKeyAndValue() {
    assertThatThrownBy(() -> AnnolakeConfig.require(false, "annolake.x", 3, "must be even"))
        .hasMessage("Invalid value '3' for key 'annolake.x': must be even");
  }

  @Test
  void hashIsStableAndReflectsSettings() {
    String a = AnnolakeConfig.load(null, Map.of()).hash();
    assertThat(AnnolakeConfig.load(null, Map.of()).hash()).isEqualTo(a);
    assertThat(AnnolakeConfig.load(null, Map.of("annolake.spark.shuffle-partitions", 3)).hash())
        .isNotEqualTo(a);
  }
}
