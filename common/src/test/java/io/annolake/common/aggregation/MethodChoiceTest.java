package io.annolake.common.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * auto: the method with the best cross-fitted gold Brier score, or the default with too little
 * gold.
 */
class MethodChoiceTest {
  private static List<Aggregator> all() {
    List<Aggregator> out = new ArrayList<>();
    Aggregators.NAMES.forEach(n -> out.add(Aggregators.byName(n)));
    return out;
  }

  /** Every tenth item (by a hash of its id) has its truth as gold; the rest score the choice. */
  private static Answers withGold(String dataset, Map<String, String> truth) {
    Answers plain = RealDatasets.answers(dataset);
    Answers.Builder b = Answers.builder();
    for (int i = 0; i < plain.itemCount(); i++) {
      for (int a = plain.block().start(i); a < plain.block().end(i); a++) {
        b.add(
            plain.items().get(i),
            plain.workers().get(plain.block().worker(a)),
            plain.labels().get(plain.block().label(a)));
      }
    }
    truth.forEach(
        (item, label) -> {
          if (Math.floorMod(item.hashCode() * 31 + 7, 10) == 0) {
            b.gold(item, label);
          }
        });
    return b.build();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "zheng_product",
        "zheng_dog",
        "snow_rte",
        "snow_temp",
        "rodrigues_music",
        "rodrigues_polarity"
      })
  void autoIsWithinHalfAPointOfOurBestMethod(String dataset) {
    Map<String, String> truth = RealDatasets.truth(dataset);
    Answers answers = withGold(dataset, truth);
    MethodChoice.Choice choice = MethodChoice.choose(answers, all(), "ds", 30);
    double best = 0;
    double chosen = 0;
    for (Aggregator a : all()) {
      double accuracy = RealDatasets.accuracy(a.fit(answers).labels(), truth);
      best = Math.max(best, accuracy);
      chosen = a.name().equals(choice.method()) ? accuracy : chosen;
    }
    System.out.printf(
        "%s auto -> %s %.4f (best %.4f) %s%n",
        dataset, choice.method(), chosen, best, choice.json());
    assertThat(choice.reason()).isEqualTo("best_gold_brier");
    assertThat(chosen).isGreaterThanOrEqualTo(best - 0.005 - 5e-5);
  }

  @Test
  void tooLittleGoldKeepsTheDefault() {
    Answers answers =
        Answers.builder()
            .add("i1", "a", "x")
            .add("i1", "b", "y")
            .add("i2", "a", "y")
            .gold("i1", "x")
            .build();
    MethodChoice.Choice choice = MethodChoice.choose(answers, all(), "ds", 2);
    assertThat(choice.method()).isEqualTo("ds");
    assertThat(choice.reason()).isEqualTo("too_few_gold");
    assertThat(choice.json())
        .isEqualTo(
            "{\"chosen\":\"ds\",\"reason\":\"too_few_gold\",\"gold_items\":1,\"gold_accuracy\":{},"
                + "\"gold_brier\":{}}");
  }

  @Test
  void theBrierScoreIsTheMeanSquaredDistanceOfThePosteriorFromTheGoldLabel() {
    // Majority vote's posterior on i1 is (2/3, 1/3) with gold x: (1/3)^2 + (1/3)^2 = 2/9;
    // on i2 it is (0, 1) with gold y: 0. Mean 1/9; both argmaxes right.
    Answers answers =
        Answers.builder()
            .add("i1", "a", "x")
            .add("i1", "b", "x")
            .add("i1", "c", "y")
            .add("i2", "a", "y")
            .add("i2", "b", "y")
            .add("i2", "c", "y")
            .gold("i1", "x")
            .gold("i2", "y")
            .build();
    MethodChoice.Choice choice =
        MethodChoice.choose(answers, List.of(Aggregators.byName("mv")), "ds", 1);
    MethodChoice.Score mv = choice.scores().get(0);
    assertThat(mv.scored()).isEqualTo(2);
    assertThat(mv.right()).isEqualTo(2);
    assertThat(mv.brier()).isCloseTo(1.0 / 9, within(1e-12));
  }

  @Test
  void theSurerRightMethodWinsWhereAccuracyTies() {
    // Both right on both gold items; ocds with posteriors 0.9 (Brier 0.02 each), ds with 0.6
    // (0.32).
    List<MethodChoice.Score> scores =
        List.of(
            new MethodChoice.Score("ds", 2, 2, 0.64), new MethodChoice.Score("ocds", 2, 2, 0.04));
    MethodChoice.Choice choice = MethodChoice.decide(scores, 2, "ds", 1);
    assertThat(choice.method()).isEqualTo("ocds");
    assertThat(choice.reason()).isEqualTo("best_gold_brier");
    assertThat(choice.json())
        .isEqualTo(
            "{\"chosen\":\"ocds\",\"reason\":\"best_gold_brier\",\"gold_items\":2,"
                + "\"gold_accuracy\":{\"ds\":1.000000,\"ocds\":1.000000},"
                + "\"gold_brier\":{\"ds\":0.320000,\"ocds\":0.020000}}");
  }

  @Test
  void aTieGoesToTheDefault() {
    List<MethodChoice.Score> scores =
        List.of(
            new MethodChoice.Score("mv", 2, 2, 0.5),
            new MethodChoice.Score("mace", 2, 2, 0.5),
            new MethodChoice.Score("ds", 1, 2, 0.9));
    assertThat(MethodChoice.decide(scores, 2, "mace", 1).method()).isEqualTo("mace");
    assertThat(MethodChoice.decide(scores, 2, "ds", 1).method()).isEqualTo("mv");
  }
}
