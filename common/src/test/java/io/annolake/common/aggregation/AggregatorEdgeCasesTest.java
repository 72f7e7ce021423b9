package io.annolake.common.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tiny cases with hand-computed answers, and an edge-case table run against every aggregator. */
class AggregatorEdgeCasesTest {
  static Stream<String> methods() {
    return Aggregators.NAMES.stream();
  }

  private static Answers answers(String... triples) {
    Answers.Builder b = Answers.builder();
    for (String t : triples) {
      String[] p = t.split(" ");
      b.add(p[0], p[1], p[2]);
    }
    return b.build();
  }

  private static void assertProper(AggregationModel m) {
    for (Map<String, Double> row : m.probas().values()) {
      assertThat(row.values()).allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
      assertThat(row.values().stream().mapToDouble(Double::doubleValue).sum())
          .isCloseTo(1.0, within(1e-9));
    }
  }

  @ParameterizedTest
  @MethodSource("methods")
  void singleAnnotatorGivesTheirLabel(String method) {
    AggregationModel m = Aggregators.byName(method).fit(answers("i1 w1 cat", "i2 w1 dog"));
    assertThat(m.labels()).containsOnly(Map.entry("i1", "cat"), Map.entry("i2", "dog"));
    assertProper(m);
  }

  @ParameterizedTest
  @MethodSource("methods")
  void allDisagreeIsATieBrokenToTheFirstSortedLabel(String method) {
    AggregationModel m = Aggregators.byName(method).fit(answers("i1 w1 c", "i1 w2 b", "i1 w3 a"));
    assertThat(m.label("i1")).isEqualTo("a");
    if (method.equals("wawa")) {
      return; // Wawa trusts the worker who agreed with the tie-broken vote: all mass on "a".
    }
    assertThat(m.probas().get("i1").values())
        .allSatisfy(p -> assertThat(p).isCloseTo(1.0 / 3, within(1e-9)));
  }

  @ParameterizedTest
  @MethodSource("methods")
  void unseenLabelGetsAFiniteProbability(String method) {
    Answers a =
        Answers.builder()
            .labels(List.of("a", "b", "c"))
            .add("i1", "w1", "a")
            .add("i1", "w2", "a")
            .add("i2", "w1", "b")
            .add("i2", "w2", "b")
            .build();
    AggregationModel m = Aggregators.byName(method).fit(a);
    assertThat(m.probas().get("i1")).containsKeys("a", "b", "c");
    assertThat(m.labels()).containsOnly(Map.entry("i1", "a"), Map.entry("i2", "b"));
    assertProper(m);
  }

  @ParameterizedTest
  @MethodSource("methods")
  void itemAnsweredOnlyBySpammersStaysUncertain(String method) {
    Answers.Builder b = Answers.builder();
    // Good workers g1..g3 agree on 20 items; spammers s1, s2 always say "b", and alone answer "x".
    for (int i = 0; i < 20; i++) {
      String label = i % 2 == 0 ? "a" : "b";
      for (String g : List.of("g1", "g2", "g3")) {
        b.add("i" + i, g, label);
      }
      b.add("i" + i, "s1", "b").add("i" + i, "s2", "b");
    }
    b.add("x", "s1", "b").add("x", "s2", "a");
    AggregationModel m = Aggregators.byName(method).fit(b.build());
    assertProper(m);
    double top = Math.max(m.probas().get("x").get("a"), m.probas().get("x").get("b"));
    assertThat(top).isLessThan(0.999);
  }

  @Test
  void majorityVoteCountsVotes() {
    AggregationModel m =
        new MajorityVote().fit(answers("i1 w1 a", "i1 w2 b", "i1 w3 b", "i2 w1 a", "i2 w2 b"));
    assertThat(m.labels()).containsOnly(Map.entry("i1", "b"), Map.entry("i2", "a"));
    assertThat(m.probas().get("i1").get("b")).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void wawaWeighsByAgreementWithTheMajority() {
    // MV: i1=a, i2=a, i3 tie a/b -> a, i4 tie b/a -> a. Skills: w1 3/4, w2 2/3, w3 1/3.
    // Weighted: i3 a 3/4 vs b 2/3 -> a; i4 b 3/4 vs a 1/3 -> b.
    Answers a =
        answers(
            "i1 w1 a", "i1 w2 a", "i1 w3 b", "i2 w1 a", "i2 w2 a", "i2 w3 b", "i3 w1 a", "i3 w2 b",
            "i4 w1 b", "i4 w3 a");
    AggregationModel m = new Wawa().fit(a);
    assertThat(m.skills().get("w1")).isCloseTo(3.0 / 4, within(1e-12));
    assertThat(m.skills().get("w2")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.skills().get("w3")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(m.label("i3")).isEqualTo("a");
    assertThat(m.label("i4")).isEqualTo("b");
  }

  @Test
  void weightedVoteUsesGoldAccuracy() {
    // On gold g1, g2 w1 is right twice, w2 and w3 wrong twice: pooled 2/6; with 2 pseudo-answers
    // w1 = (2 + 2/3)/4 = 2/3, w2 = w3 = (0 + 2/3)/4 = 1/6. So w1 alone outvotes w2 + w3 on i1.
    Answers a =
        Answers.builder()
            .add("g1", "w1", "a")
            .add("g1", "w2", "b")
            .add("g1", "w3", "b")
            .add("g2", "w1", "b")
            .add("g2", "w2", "a")
            .add("g2", "w3", "a")
            .gold("g1", "a")
            .gold("g2", "b")
            .add("i1", "w1", "b")
            .add("i1", "w2", "a")
            .add("i1", "w3", "a")
            .build();
    AggregationModel m = new WeightedMajorityVote().fit(a);
    assertThat(m.skills().get("w1")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.skills().get("w2")).isCloseTo(1.0 / 6, within(1e-12));
    assertThat(m.label("i1")).isEqualTo("b");
    assertThat(m.probas().get("i1").get("b")).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void dawidSkeneClampsGoldAndLearnsConfusion() {
    Answers.Builder b = Answers.builder();
    // w3 always says the opposite of w1 and w2; gold on i0 pins the truth.
    for (int i = 0; i < 10; i++) {
      String t = i % 2 == 0 ? "a" : "b";
      String f = t.equals("a") ? "b" : "a";
      b.add("i" + i, "w1", t).add("i" + i, "w2", t).add("i" + i, "w3", f);
    }
    b.gold("i0", "a");
    AggregationModel m = new DawidSkene(DawidSkene.Settings.defaults()).fit(b.build());
    assertThat(m.probas().get("i0").get("a")).isEqualTo(1.0);
    double[][] w3 = m.confusion("w3");
    assertThat(w3[0][1]).isGreaterThan(0.9);
    assertThat(w3[1][0]).isGreaterThan(0.9);
    assertThat(w3[0][0]).isGreaterThan(0); // smoothing: never zero
    assertThat(m.priors().get("a")).isCloseTo(0.5, within(1e-9));
    assertThat(m.lossHistory()).isNotEmpty();
    assertThat(m.converged()).isTrue();
  }

  @Test
  void dawidSkeneNeverUnderflowsOnLongItems() {
    Answers.Builder b = Answers.builder();
    // 20 workers right 4 times in 5 on 200 items; then one item with 6,000 answers, whose
    // likelihood (about 0.8^4800 * 0.2^1200) underflows a double outside log space.
    for (int i = 0; i < 200; i++) {
      for (int j = 0; j < 20; j++) {
        String truth = i % 2 == 0 ? "a" : "b";
        String wrong = i % 2 == 0 ? "b" : "a";
        b.add("i" + i, "w" + j, (i + j) % 5 == 0 ? wrong : truth);
      }
    }
    for (int r = 0; r < 300; r++) {
      for (int j = 0; j < 20; j++) {
        b.add("long", "w" + j, (r + j) % 5 == 0 ? "b" : "a");
      }
    }
    AggregationModel m = new DawidSkene(DawidSkene.Settings.defaults()).fit(b.build());
    assertThat(m.label("long")).isEqualTo("a");
    assertThat(m.probas().get("long").values()).allSatisfy(p -> assertThat(p).isNotNaN());
    assertThat(m.lossHistory()).allSatisfy(l -> assertThat(l).isFinite());
  }

  @Test
  void settingsAreValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new DawidSkene.Settings(10, 1e-5, 0, DawidSkene.Init.IDENTITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smoothing");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Aggregators.byName("nope"))
        .hasMessageContaining("--method");
  }
}
