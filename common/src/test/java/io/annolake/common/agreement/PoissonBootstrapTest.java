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
  void quantileInterpolates() {
    assertThat(PoissonBootstrap.quantile(new double[] {0, 1, 2, 3, 4}, 0.5)).isEqualTo(2.0);
    assertThat(PoissonBootstrap.quantile(new double[] {0, 10}, 0.25)).isEqualTo(2.5);
  }
}
