package io.annolake.common.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualitySettingsTest {
  @TempDir Path dir;

  private QualitySettings load(String text) throws Exception {
    Path f = dir.resolve("q.conf");
    Files.writeString(f, text);
    return QualitySettings.from(AnnolakeConfig.load(f, Map.of()));
  }

  @Test
  void defaults() {
    QualitySettings s = QualitySettings.from(AnnolakeConfig.defaults());
    assertThat(s.threshold()).isEqualTo(0.97);
    assertThat(s.confidence()).isEqualTo(0.95);
    assertThat(s.adjudicationsAsGold()).isFalse();
    assertThat(s.thresholdFor("any", "step")).isEqualTo(0.97);
  }

  @Test
  void projectStepOverrideWinsOverProjectOverDefault() throws Exception {
    QualitySettings s =
        load("annolake.quality.threshold-overrides { \"p.1\" = 0.9, \"p.1/cars\" = 0.85 }");
    assertThat(s.thresholdFor("p.1", "cars")).isEqualTo(0.85);
    assertThat(s.thresholdFor("p.1", "bikes")).isEqualTo(0.9);
    assertThat(s.thresholdFor("p2", "cars")).isEqualTo(0.97);
  }

  @Test
  void badValuesNameTheKey() throws Exception {
    assertThatThrownBy(() -> load("annolake.quality.threshold = 1.5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.quality.threshold");
    assertThatThrownBy(() -> load("annolake.quality { min-evidence = 20, window-size = 10 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.quality.window-size");
    assertThatThrownBy(() -> load("annolake.quality.threshold-overrides { p = high }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("threshold-overrides");
    assertThatThrownBy(() -> load("annolake.quality.treshold = 0.9"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("treshold");
  }
}
