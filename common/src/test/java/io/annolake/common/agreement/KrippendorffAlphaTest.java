package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KrippendorffAlphaTest {
  /**
   * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12
   * units; 0 = missing.
   */
  static final int[][] OBSERVERS = {
    {1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0},
    {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3},
    {0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0},
    {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0},
  };

  static Answers textbook() {
    Answers answers = new Answers();
    for (int o = 0; o < OBSERVERS.length; o++) {
      for (int u = 0; u < OBSERVERS[o].length; u++) {
        if (OBSERVERS[o][u] != 0) {
          answers.add("u" + u, "o" + o, Integer.toString(OBSERVERS[o][u]));
        }
      }
    }
    return answers;
  }

  static double alpha(Answers answers, Level level) {
    Categories cats = answers.categories();
    Coefficient c = KrippendorffAlpha.compute(answers.state(cats, 0, 1).estimate(), cats, level);
    assertThat(c.status()).isEqualTo(Status.OK);
    return c.value();
  }

  @Test
  void textbookExampleAtEveryLevel() {
    Answers answers = textbook();
    assertThat(alpha(answers, Level.NOMINAL)).isCloseTo(0.743, within(5e-4));
    assertThat(alpha(answers, Level.ORDINAL)).isCloseTo(0.815, within(5e-4));
    assertThat(alpha(answers, Level.INTERVAL)).isCloseTo(0.849, within(5e-4));
    assertThat(alpha(answers, Level.RATIO)).isCloseTo(0.797, within(5e-4));
  }

  @Test
  void textbookCoincidencesLeaveOutTheLoneValue() {
    Answers answers = textbook();
    Categories cats = answers.categories();
    AgreementState s = answers.state(cats, 0, 1).estimate();
    // unit 12 has one value: 41 values, 40 pairable, 11 pairable units (the paper's n = 40)
    assertThat(s.annotations()).isEqualTo(41);
    assertThat(s.pairableValues()).isCloseTo(40, within(1e-12));
    assertThat(s.pairableItems()).isEqualTo(11);
    assertThat(s.marginal(cats.indexOf("1"))).isCloseTo(9, within(1e-12));
    assertThat(s.marginal(cats.indexOf("3"))).isCloseTo(10, within(1e-12));
    assertThat(s.coincidence(cats.indexOf("1"), cats.indexOf("1"))).isCloseTo(7, within(1e-12));
  }

  @Test
  void ordinalUsesTheSchemaOrder() {
    Answers answers = new Answers();
    String[][] units = {
      {"low", "low"}, {"low", "mid"}, {"mid", "high"}, {"high", "high"}, {"mid", "mid"}
    };
    for (int u = 0; u < units.length; u++) {
      answers.add("u" + u, "a", units[u][0]).add("u" + u, "b", units[u][1]);
    }
    Categories schema = Categories.of(List.of("high", "low", "mid"), List.of("low", "mid", "high"));
    Categories alphabetic = Categories.of(List.of("high", "low", "mid"));
    double bySchema =
        KrippendorffAlpha.compute(answers.state(schema, 0, 1).estimate(), schema, Level.ORDINAL)
            .value();
    double byString =
        KrippendorffAlpha.compute(
                answers.state(alphabetic, 0, 1).estimate(), alphabetic, Level.ORDINAL)
            .value();
    // same data, as numbers 1 < 2 < 3
    Answers numeric = new Answers();
    for (int u = 0; u < units.length; u++) {
      numeric.add("u" + u, "a", rank(units[u][0])).add("u" + u, "b", rank(units[u][1]));
    }
    assertThat(bySchema).isCloseTo(alpha(numeric, Level.ORDINAL), within(1e-12));
    assertThat(byString).isNotCloseTo(bySchema, within(1e-6));
  }

  private static String rank(String label) {
    return switch (label) {
      case "low" -> "1";
      case "mid" -> "2";
      default -> "3";
    };
  }

  @Test
  void everyoneAgreesGivesOne() {
    Answers answers = new Answers();
    for (int u = 0; u < 10; u++) {
      for (int w = 0; w < 3; w++) {
        answers.add("u" + u, "w" + w, u % 2 == 0 ? "yes" : "no");
      }
    }
    Categories cats = answers.categories();
    for (Coefficient c :
        AgreementReport.compute(
            answers.state(cats, 0, 1), cats, List.of(Level.NOMINAL, Level.ORDINAL), 0.95)) {
      assertThat(c.status()).as(c.metric()).isEqualTo(Status.OK);
      assertThat(c.value()).as(c.metric()).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void oneCategoryIsARowWithStatusNotAnException() {
    Answers answers = new Answers();
    for (int u = 0; u < 5; u++) {
      answers.add("u" + u, "a", "cat").add("u" + u, "b", "cat");
    }
    Categories cats = answers.categories();
    List<Coefficient> all =
        AgreementReport.compute(answers.state(cats, 20, 1), cats, List.of(Level.values()), 0.95);
    assertThat(all).hasSize(8);
    Coefficient nominal = all.get(0);
    assertThat(nominal.status()).isEqualTo(Status.UNDEFINED);
    assertThat(nominal.error()).contains("one category");
    assertThat(nominal.value()).isNaN();
    assertThat(find(all, Coefficient.FLEISS_KAPPA).status()).isEqualTo(Status.UNDEFINED);
    assertThat(find(all, Coefficient.GWET_AC1).status()).isEqualTo(Status.UNDEFINED);
    assertThat(find(all, Coefficient.PERCENT_AGREEMENT).value()).isEqualTo(1.0);
  }

  @Test
  void oneAnnotatorHasNoPairableValues() {
    Answers answers = new Answers();
    for (int u = 0; u < 5; u++) {
      answers.add("u" + u, "only", u % 2 == 0 ? "a" : "b");
    }
    Categories cats = answers.categories();
    List<Coefficient> all =
        AgreementReport.compute(answers.state(cats, 20, 1), cats, List.of(Level.NOMINAL), 0.95);
    for (Coefficient c : all) {
      assertThat(c.status()).as(c.metric()).isEqualTo(Status.INSUFFICIENT_DATA);
      assertThat(c.error()).isNotBlank();
    }
  }

  @Test
  void nonNumericLabelsAtIntervalLevelAreInvalidInput() {
    Answers answers = new Answers().add("u", "a", "cat").add("u", "b", "dog");
    Categories cats = answers.categories();
    Coefficient c =
        KrippendorffAlpha.compute(answers.state(cats, 0, 1).estimate(), cats, Level.INTERVAL);
    assertThat(c.status()).isEqualTo(Status.INVALID_INPUT);
  }

  @Test
  void statesOfDisjointItemsMerge() {
    Answers answers = textbook();
    Categories cats = answers.categories();
    List<ItemCounts> items = new ArrayList<>(answers.counts(cats).values());
    AgreementState left = new AgreementState(cats.size());
    AgreementState right = new AgreementState(cats.size());
    for (int i = 0; i < items.size(); i++) {
      (i % 3 == 0 ? left : right).add(items.get(i));
    }
    double merged = KrippendorffAlpha.value(left.merge(right), cats, Level.INTERVAL);
    assertThat(merged).isCloseTo(alpha(answers, Level.INTERVAL), within(1e-12));
  }

  static Coefficient find(List<Coefficient> all, String metric) {
    return all.stream().filter(c -> c.metric().equals(metric)).findFirst().orElseThrow();
  }
}
