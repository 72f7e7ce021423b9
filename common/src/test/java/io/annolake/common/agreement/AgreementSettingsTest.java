package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgreementSettingsTest {
  @Test
  void defaultsFromReferenceConf() {
    AgreementSettings s = AgreementSettings.from(AnnolakeConfig.load(null, Map.of()));
    assertThat(s.sliceBy()).containsExactly("project_id", "step", "guideline_version");
    assertThat(s.levels())
        .containsExactly(Level.NOMINAL, Level.ORDINAL, Level.INTERVAL, Level.RATIO);
    assertThat(s.resamples()).isEqualTo(200);
    assertThat(s.confidence()).isEqualTo(0.95);
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(
            () ->
                AgreementSettings.from(
                    AnnolakeConfig.load(
                        null, Map.of("annolake.agreement.slice-by", List.of("step")))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.agreement.slice-by")
        .hasMessageContaining("project_id");
    assertThatThrownBy(
            () ->
                AgreementSettings.from(
                    AnnolakeConfig.load(
                        null,
                        Map.of("annolake.agreement.slice-by", List.of("project_id", "hour")))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'hour'");
    assertThatThrownBy(
            () ->
                AgreementSettings.from(
                    AnnolakeConfig.load(null, Map.of("annolake.agreement.confidence", 1.5))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.agreement.confidence");
    assertThatThrownBy(
            () ->
                AgreementSettings.from(
                    AnnolakeConfig.load(
                        null, Map.of("annolake.agreement.levels", List.of("cardinal")))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.agreement.levels");
  }
}
