package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants: row order, consistent relabeling and partitioning do not change the coefficients. */
class AgreementPropertiesTest {
  record Answer(int item, int worker, int label) {}

  @Provide
  Arbitrary<List<Answer>> answers() {
    Arbitrary<Answer> one =
        Combinators.combine(
                Arbitraries.integers().between(0, 14),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 3))
            .as(Answer::new);
    return one.list().ofMinSize(2).ofMaxSize(60).uniqueElements(a -> List.of(a.item(), a.worker()));
  }

  private static Double nominalAlpha(List<Answer> rows, String[] names) {
    Answers answers = new Answers();
    rows.forEach(a -> answers.add("i" + a.item(), "w" + a.worker(), names[a.label()]));
    Categories cats = answers.categories();
    return KrippendorffAlpha.value(answers.state(cats, 0, 1).estimate(), cats, Level.NOMINAL);
  }

  private static final String[] NAMES = {"a", "b", "c", "d"};

  @Property(tries = 200)
  void rowOrderDoesNotChangeNominalAlpha(@ForAll("answers") List<Answer> rows, @ForAll long seed) {
    List<Answer> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(seed));
    assertSame(nominalAlpha(rows, NAMES), nominalAlpha(shuffled, NAMES));
  }

  @Property(tries = 200)
  void consistentRelabelingDoesNotChangeNominalAlpha(
      @ForAll("answers") List<Answer> rows, @ForAll long seed) {
    List<String> renamed = new ArrayList<>(List.of("zebra", "7", "apple", "Ω"));
    Collections.shuffle(renamed, new Random(seed));
    assertSame(nominalAlpha(rows, NAMES), nominalAlpha(rows, renamed.toArray(String[]::new)));
  }

  @Property(tries = 100)
  void mergingPartitionsEqualsOnePass(@ForAll("answers") List<Answer> rows, @ForAll long seed) {
    Answers answers = new Answers();
    rows.forEach(a -> answers.add("i" + a.item(), "w" + a.worker(), NAMES[a.label()]));
    Categories cats = answers.categories();
    PoissonBootstrap whole = answers.state(cats, 5, seed);
    PoissonBootstrap left = new PoissonBootstrap(cats.size(), 5, seed);
    PoissonBootstrap right = new PoissonBootstrap(cats.size(), 5, seed);
    answers
        .counts(cats)
        .forEach((item, counts) -> (item.hashCode() % 2 == 0 ? left : right).add(item, counts));
    left.merge(right);
    assertSame(GwetAc1.value(whole.estimate()), GwetAc1.value(left.estimate()));
    for (int b = 0; b < 5; b++) {
      assertSame(
          KrippendorffAlpha.value(whole.replicate(b), cats, Level.NOMINAL),
          KrippendorffAlpha.value(left.replicate(b), cats, Level.NOMINAL));
    }
  }

  @Property(tries = 100)
  void unanimousDataGivesOne(@ForAll("answers") List<Answer> rows) {
    List<Answer> unanimous =
        rows.stream().map(a -> new Answer(a.item(), a.worker(), a.item() % 2)).toList();
    Double alpha = nominalAlpha(unanimous, NAMES);
    if (alpha != null && !alpha.isNaN()) {
      assertThat(alpha).isCloseTo(1.0, within(1e-12));
    }
  }

  private static void assertSame(Double a, Double b) {
    if (a == null || b == null || a.isNaN() || b.isNaN()) {
      assertThat(String.valueOf(a)).isEqualTo(String.valueOf(b));
    } else {
      assertThat(a).isCloseTo(b, within(1e-12));
    }
  }
}
