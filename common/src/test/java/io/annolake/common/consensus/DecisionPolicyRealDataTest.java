package io.annolake.common.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.aggregation.AggregationModel;
import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.aggregation.Answers;
import io.annolake.common.aggregation.ItemBlock;
import io.annolake.common.aggregation.RealDatasets;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two decision policies on the shared real datasets (expert truth on every item), Dawid-Skene
 * posteriors, minimum 3 answers, accept threshold 0.8: per decision the items and the share whose
 * label is right. The figures docs/ARCHITECTURE.md argues the default with (printed; the asserts
 * pin what the rule guarantees, not the figures).
 */
class DecisionPolicyRealDataTest {
  /** Items and right labels per decision under one rule. */
  record Tally(Map<Decision, int[]> byDecision) {
    Tally() {
      this(new EnumMap<>(Decision.class));
    }

    void add(Decision d, boolean right) {
      int[] c = byDecision.computeIfAbsent(d, x -> new int[2]);
      c[0]++;
      c[1] += right ? 1 : 0;
    }

    int items(Decision d) {
      return byDecision.getOrDefault(d, new int[2])[0];
    }

    /** Accuracy over the items the rule accepts without an expert. */
    double acceptedAccuracy() {
      int n = 0;
      int right = 0;
      for (Decision d :
          new Decision[] {Decision.AUTO_APPROVED, Decision.ACCEPTED, Decision.MAJORITY}) {
        int[] c = byDecision.getOrDefault(d, new int[2]);
        n += c[0];
        right += c[1];
      }
      return (double) right / n;
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      byDecision.forEach(
          (d, c) -> s.append(String.format(" %s=%d (%.4f)", d, c[0], (double) c[1] / c[0])));
      int decided = 0;
      int right = 0;
      for (Map.Entry<Decision, int[]> e : byDecision.entrySet()) {
        if (e.getKey() != Decision.PENDING) {
          decided += e.getValue()[0];
          right += e.getKey() == Decision.ESCALATED ? e.getValue()[0] : e.getValue()[1];
        }
      }
      return s.append(
              String.format(
                  " | accepted accuracy %.4f, escalated %.1f%%, final accuracy if experts are right %.4f",
                  acceptedAccuracy(),
                  100.0 * items(Decision.ESCALATED) / decided,
                  (double) right / decided))
          .toString();
    }
  }

  static Tally tally(
      Answers answers,
      AggregationModel model,
      Map<String, String> truth,
      ConsensusPolicy.Thresholds t) {
    Tally tally = new Tally();
    ItemBlock block = answers.block();
    int k = answers.classCount();
    for (int i = 0; i < block.items(); i++) {
      String expected = truth.get(answers.items().get(i));
      if (expected == null) {
        continue;
      }
      int[] votes = new int[k];
      int top = 0;
      for (int a = block.start(i); a < block.end(i); a++) {
        top = Math.max(top, ++votes[block.label(a)]);
      }
      int best = model.labelIndex(i);
      int n = block.end(i) - block.start(i);
      Decision d = ConsensusPolicy.decide(null, null, n, top, model.proba(i, best), t);
      int label = best;
      if (t.policy() == DecisionPolicy.VOTES
          && (d == Decision.MAJORITY || d == Decision.AUTO_APPROVED)) {
        for (int c = 0; c < k; c++) {
          label = votes[c] == top ? c : label;
        }
      }
      tally.add(d, answers.labels().get(label).equals(expected));
    }
    return tally;
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
  void policiesOnRealData(String dataset) {
    Answers answers = RealDatasets.answers(dataset);
    Map<String, String> truth = RealDatasets.truth(dataset);
    AggregationModel ds = Aggregators.byName("ds").fit(answers);
    Tally posterior = tally(answers, ds, truth, new ConsensusPolicy.Thresholds(3, 0.8));
    Tally votes =
        tally(
            answers, ds, truth, new ConsensusPolicy.Thresholds(3, 0.8, DecisionPolicy.VOTES, 0.5));
    Tally votes60 =
        tally(
            answers, ds, truth, new ConsensusPolicy.Thresholds(3, 0.8, DecisionPolicy.VOTES, 0.6));
    System.out.printf(
        "%s%n  posterior 0.8:%s%n  votes 0.5:%s%n  votes 0.6:%s%n",
        dataset, posterior, votes, votes60);
    // Both rules see the same items: PENDING and AUTO_APPROVED do not depend on the policy.
    assertThat(votes.items(Decision.AUTO_APPROVED))
        .isEqualTo(posterior.items(Decision.AUTO_APPROVED));
    assertThat(votes.items(Decision.PENDING)).isEqualTo(posterior.items(Decision.PENDING));
    assertThat(votes.items(Decision.ACCEPTED)).isZero();
    assertThat(posterior.items(Decision.MAJORITY)).isZero();
    // A higher share only moves items from MAJORITY to ESCALATED.
    assertThat(votes60.items(Decision.MAJORITY) + votes60.items(Decision.ESCALATED))
        .isEqualTo(votes.items(Decision.MAJORITY) + votes.items(Decision.ESCALATED));
    assertThat(votes60.items(Decision.ESCALATED))
        .isGreaterThanOrEqualTo(votes.items(Decision.ESCALATED));
  }
}
