package io.annolake.common.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline settings: the seed's pipeline parses; each bad pipeline is an error naming its key. */
class ComposeSettingsTest {
  private static final List<String> ACCEPT = List.of("yes");
  private static final List<String> REJECT = List.of("no");
  private static final String KEY = "annolake.compose.pipelines.\"p1\"";

  private static Map<String, Object> entry(List<String> steps, Map<String, Object> verifies) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("steps", steps);
    if (verifies != null) {
      e.put("verifies", verifies);
    }
    return e;
  }

  private static ComposeSettings parse(Map<String, Object> p1) {
    return ComposeSettings.parse(Map.of("p1", p1), ACCEPT, REJECT);
  }

  @Test
  void theSeedPipelineParsesWithOrderAndVerification() {
    ComposeSettings s =
        parse(
            entry(
                List.of("boxes", "attributes", "verification"),
                Map.of("verification", "attributes")));
    Pipeline p = s.pipeline("p1");
    assertThat(p.steps()).containsExactly("boxes", "attributes", "verification");
    assertThat(p.position("verification")).isEqualTo(2);
    assertThat(p.verified("verification")).isEqualTo("attributes");
    assertThat(p.verified("boxes")).isNull();
    assertThat(p.acceptLabels()).containsExactly("yes");
    assertThat(p.describe()).isEqualTo("boxes -> attributes -> verification(attributes)");
    assertThat(s.pipeline("p2")).isNull();
  }

  @Test
  void perProjectLabelSetsReplaceTheDefaultsLowerCased() {
    Map<String, Object> e = entry(List.of("a", "check"), Map.of("check", "a"));
    e.put("accept-labels", List.of("OK", "Fine"));
    e.put("reject-labels", List.of("Redo"));
    Pipeline p = parse(e).pipeline("p1");
    assertThat(p.acceptLabels()).containsExactly("ok", "fine");
    assertThat(p.rejectLabels()).containsExactly("redo");
  }

  @Test
  void anUnknownVerificationStepNamesTheKey() {
    assertThatThrownBy(() -> parse(entry(List.of("a", "b"), Map.of("check", "a"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + KEY + ".verifies.\"check\"'")
        .hasMessageContaining("unknown step");
  }

  @Test
  void anUnknownVerifiedStepNamesTheKey() {
    assertThatThrownBy(() -> parse(entry(List.of("a", "check"), Map.of("check", "boxes"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + KEY + ".verifies.\"check\"'")
        .hasMessageContaining("Invalid value 'boxes'")
        .hasMessageContaining("unknown step");
  }

  @Test
  void aStepVerifyingItselfNamesTheKey() {
    assertThatThrownBy(() -> parse(entry(List.of("a", "check"), Map.of("check", "check"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + KEY + ".verifies.\"check\"'")
        .hasMessageContaining("cannot verify itself");
  }

  @Test
  void aCycleNamesTheKeyAndTheCycle() {
    Map<String, Object> verifies = new LinkedHashMap<>();
    verifies.put("a", "b");
    verifies.put("b", "a");
    assertThatThrownBy(() -> parse(entry(List.of("a", "b"), verifies)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + KEY + ".verifies'")
        .hasMessageContaining("a cycle: a verifies b verifies a");
    Map<String, Object> three = new LinkedHashMap<>();
    three.put("a", "c");
    three.put("b", "a");
    three.put("c", "b");
    assertThatThrownBy(() -> parse(entry(List.of("a", "b", "c"), three)))
        .hasMessageContaining("a cycle: a verifies c verifies b verifies a");
  }

  @Test
  void aVerificationBeforeTheStepItVerifiesNamesTheKey() {
    assertThatThrownBy(() -> parse(entry(List.of("check", "a"), Map.of("check", "a"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + KEY + ".verifies.\"check\"'")
        .hasMessageContaining("comes after the step it verifies");
  }

  @Test
  void stepsMustBeListedOnceAndPresent() {
    assertThatThrownBy(() -> parse(entry(List.of("a", "a"), null)))
        .hasMessageContaining("'" + KEY + ".steps'")
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> parse(entry(List.of(), null)))
        .hasMessageContaining("'" + KEY + ".steps'");
    assertThatThrownBy(() -> parse(new LinkedHashMap<>(Map.of("verifies", Map.of()))))
        .hasMessageContaining("Missing configuration key '" + KEY + ".steps'");
  }

  @Test
  void unknownEntryKeysAndOverlappingLabelSetsAreRejected() {
    Map<String, Object> typo = entry(List.of("a"), null);
    typo.put("verify", Map.of());
    assertThatThrownBy(() -> parse(typo))
        .hasMessageContaining("Unknown configuration key '" + KEY + ".verify'");
    assertThatThrownBy(
            () ->
                ComposeSettings.parse(
                    Map.of("p1", entry(List.of("a"), null)), List.of("yes"), List.of("YES")))
        .hasMessageContaining("'annolake.compose.reject-labels'")
        .hasMessageContaining("cannot both accept and reject");
  }

  @Test
  void readsFromAConfigurationFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pipelines.conf");
    Files.writeString(
        file,
        "annolake.compose.pipelines {\n"
            + "  \"p.1\" { steps = [boxes, attributes, verification], verifies { verification = attributes } }\n"
            + "}\n");
    ComposeSettings s = ComposeSettings.from(AnnolakeConfig.load(file, Map.of()));
    assertThat(s.pipeline("p.1").verified("verification")).isEqualTo("attributes");
    assertThat(ComposeSettings.from(AnnolakeConfig.defaults()).pipelines()).isEmpty();

    Files.writeString(
        file, "annolake.compose.pipelines.p1 { steps = [a, check], verifies { check = check } }\n");
    assertThatThrownBy(() -> ComposeSettings.from(AnnolakeConfig.load(file, Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + KEY + ".verifies.\"check\"'");
  }
}
