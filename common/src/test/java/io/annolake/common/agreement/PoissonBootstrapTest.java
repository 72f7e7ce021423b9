package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PoissonBootstrapTest {
  @Test
  void poissonWeightsHaveMeanAndVarianceOne() {
    long n = 200_000;
    double sum = 0;
    double sq = 0;
    for (long i = 0; i < n; i++) {
      int w = PoissonBootstrap.poisson(PoissonBootstrap.mix(i * 0x9E3779B97F4A7C15L));
      sum += w;
      sq += (double) w * w;
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(1.0, within(0.01));
    assertThat(sq / n - mean * mean).isCloseTo(1.0, within(0.02));
  }

  @Test
  void intervalCoversTheEstimateAndIsReproducible() {
    Answers answers = KrippendorffAlphaTest.textbook();
    for (int u = 0; u < 60; u++) {
      answers
          .add("x" + u, "a", Integer.toString(u % 3))
          .add("x" + u, "b", Integer.toString((u / 2) % 3));
    }
    Categories cats = answers.categories();
    List<Coefficient> first =
        AgreementReport.compute(answers.state(cats, 200, 7), cats, List.of(Level.NOMINAL), 0.95);
    List<Coefficient> again =
        AgreementReport.compute(answers.state(cats, 200, 7), cats, List.of(Level.NOMINAL), 0.95);
    assertThat(first).isEqualTo(again);
    Coefficient alpha = first.get(0);
    assertThat(alpha.ciLower()).isLessThan(alpha.value());
    assertThat(alpha.ciUpper()).isGreaterThan(alpha.value());
  }

  @Test
  void flushingPatternsEarlyGivesTheSameReplicates() {
    Answers answers = KrippendorffAlphaTest.textbook();
    Categories cats = answers.categories();
    PoissonBootstrap lazy = new PoissonBootstrap(cats.size(), 30, 3);
    PoissonBootstrap eager = new PoissonBootstrap(cats.size(), 30, 3, 1);
    answers
        .counts(cats)
        .forEach(
            (item, counts) -> {
              lazy.add(item, counts);
              eager.add(item, counts);
            });
    for (int b = 0; b < 30; b++) {
      Double x = KrippendorffAlpha.value(lazy.replicate(b), cats, Level.INTERVAL);
      Double y = KrippendorffAlpha.value(eager.replicate(b), cats, Level.INTERVAL);
      assertThat(x).isNotNull();
      assertThat(y).isCloseTo(x, within(1e-12));
    }
  }

  @Test
  void theEstimateAndItsReplicatesAreTheSameToTheLastBitWhateverTheOrderAndPartitions() {
    java.util.Random random = new java.util.Random(11);
    List<ItemCounts> items = new java.util.ArrayList<>();
    for (int u = 0; u < 3_000; u++) {
      int[] values = new int[3 + random.nextInt(9)];
      for (int v = 0; v < values.length; v++) {
        values[v] = random.nextInt(4);
      }
      items.add(ItemCounts.ofValues(values));
    }
    List<ItemCounts> shuffled = new java.util.ArrayList<>(items);
    java.util.Collections.shuffle(shuffled, random);
    PoissonBootstrap inOrder = new PoissonBootstrap(4, 30, 1);
    AgreementState rawInOrder = new AgreementState(4);
    items.forEach(
        i -> {
          inOrder.add(key(i, items), i);
          rawInOrder.add(i);
        });
    // three partitions of the shuffled items, merged last to first
    PoissonBootstrap[] parts = {
      new PoissonBootstrap(4, 30, 1), new PoissonBootstrap(4, 30, 1), new PoissonBootstrap(4, 30, 1)
    };
    AgreementState rawShuffled = new AgreementState(4);
    for (int n = 0; n < shuffled.size(); n++) {
      parts[n % 3].add(key(shuffled.get(n), items), shuffled.get(n));
      rawShuffled.add(shuffled.get(n));
    }
    PoissonBootstrap merged = parts[2].merge(parts[1]).merge(parts[0]);

    // the sums of doubles as the items came differ in their last bits ...
    assertThat(rawShuffled.agreementSum()).isNotEqualTo(rawInOrder.agreementSum());
    // ... the estimate does not
    AgreementState a = inOrder.estimate();
    AgreementState b = merged.estimate();
    assertThat(b.agreementSum()).isEqualTo(a.agreementSum());
    for (int c = 0; c < 4; c++) {
      for (int k = 0; k < 4; k++) {
        assertThat(b.coincidence(c, k)).isEqualTo(a.coincidence(c, k));
      }
    }
    Categories cats = Categories.of(List.of("0", "1", "2", "3"));
    for (Level level : List.of(Level.NOMINAL, Level.INTERVAL)) {
      assertThat(KrippendorffAlpha.value(b, cats, level))
          .isEqualTo(KrippendorffAlpha.value(a, cats, level));
    }
    // and so are the bootstrap replicates, hence the intervals
    for (int r = 0; r < 30; r++) {
      assertThat(merged.replicate(r).agreementSum()).isEqualTo(inOrder.replicate(r).agreementSum());
    }
    java.util.function.Function<AgreementState, Double> alpha =
        st -> KrippendorffAlpha.value(st, cats, Level.NOMINAL);
    assertThat(merged.interval(alpha, 0.95)).containsExactly(inOrder.interval(alpha, 0.95));
  }

  /** An item's key for its Poisson weights: its position in the original order. */
  private static String key(ItemCounts item, List<ItemCounts> items) {
    return "u" + items.indexOf(item);
  }

  @Test
  void quantileInterpolates() {
    assertThat(PoissonBootstrap.quantile(new double[] {0, 1, 2, 3, 4}, 0.5)).isEqualTo(2.0);
    assertThat(PoissonBootstrap.quantile(new double[] {0, 10}, 0.25)).isEqualTo(2.5);
  }
}
