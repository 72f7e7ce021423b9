package io.annolake.common.anomaly;

import io.annolake.common.stats.Proportions;

/**
 * Agreement of two workers on their shared items against the agreement their own skills explain.
 *
 * <p>If two workers answer independently given an item's true class t, they agree with probability
 * sum_k C_a(t,k) C_b(t,k), where C is each worker's confusion matrix (row = class, estimated
 * against consensus). Summed over the shared items this is the agreement expected of the pair; it
 * is high for two accurate workers and for two workers who make the same typical confusion, so
 * neither looks like collusion. Copying shows as agreement beyond it, most visibly on answers the
 * consensus rejects. The score is kappa-style: (observed - expected) / (shared - expected), and the
 * evidence is a z statistic under the Poisson-binomial variance sum p(1 - p).
 */
public final class Collusion {
  private Collusion() {}

  /**
   * @param shared items both answered (with a consensus label)
   * @param agreed items on which both gave the same label
   * @param expectedAgreed agreements expected under independence
   * @param wrongAgreed same label, and not the consensus label
   * @param expectedWrongAgreed such agreements expected under independence
   * @param excess (agreed - expected) / (shared - expected), NaN when expected = shared
   * @param z (agreed - expected) / sqrt(variance); 0 without variance
   */
  public record PairScore(
      long shared,
      long agreed,
      double expectedAgreed,
      long wrongAgreed,
      double expectedWrongAgreed,
      double excess,
      double z) {}

  /**
   * Scores a pair.
   *
   * @param sharedByClass shared items per consensus class t
   * @param agreedByClass agreements per consensus class t
   * @param wrongAgreedByClass agreements on a label other than t, per t
   * @param confusionA row-stochastic confusion of worker a (K x K)
   * @param confusionB row-stochastic confusion of worker b
   */
  public static PairScore score(
      long[] sharedByClass,
      long[] agreedByClass,
      long[] wrongAgreedByClass,
      double[][] confusionA,
      double[][] confusionB) {
    int k = sharedByClass.length;
    long shared = 0;
    long agreed = 0;
    long wrong = 0;
    double expected = 0;
    double expectedWrong = 0;
    double variance = 0;
    for (int t = 0; t < k; t++) {
      if (sharedByClass[t] == 0) {
        continue;
      }
      double pAgree = 0;
      double pWrong = 0;
      for (int label = 0; label < k; label++) {
        double both = confusionA[t][label] * confusionB[t][label];
        pAgree += both;
        if (label != t) {
          pWrong += both;
        }
      }
      shared += sharedByClass[t];
      agreed += agreedByClass[t];
      wrong += wrongAgreedByClass[t];
      expected += sharedByClass[t] * pAgree;
      expectedWrong += sharedByClass[t] * pWrong;
      variance += sharedByClass[t] * pAgree * (1 - pAgree);
    }
    double excess =
        Proportions.excessOverChance(
            shared > 0 ? (double) agreed / shared : 0, shared > 0 ? expected / shared : 0);
    double z = variance > 0 ? (agreed - expected) / Math.sqrt(variance) : 0;
    return new PairScore(shared, agreed, expected, wrong, expectedWrong, excess, z);
  }

  /**
   * A row-stochastic confusion matrix from counts (row = consensus class, column = given label)
   * with {@code smoothing} added to every cell, so a class the worker never saw gets a uniform row.
   */
  public static double[][] confusion(long[][] counts, double smoothing) {
    int k = counts.length;
    double[][] m = new double[k][k];
    for (int t = 0; t < k; t++) {
      double total = 0;
      for (int a = 0; a < k; a++) {
        m[t][a] = counts[t][a] + smoothing;
        total += m[t][a];
      }
      for (int a = 0; a < k; a++) {
        m[t][a] = total > 0 ? m[t][a] / total : 1.0 / k;
      }
    }
    return m;
  }
}
