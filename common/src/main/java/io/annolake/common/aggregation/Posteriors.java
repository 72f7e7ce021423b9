package io.annolake.common.aggregation;

/** Small numeric helpers shared by the E-steps: log-space normalization, votes, argmax. */
public final class Posteriors {
  private Posteriors() {}

  /**
   * Normalizes log scores into probabilities in place and returns their log-sum-exp, computed from
   * the maximum so that items with thousands of answers never underflow.
   */
  public static double normalizeLog(double[] logScores) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logScores) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int k = 0; k < logScores.length; k++) {
      logScores[k] = Math.exp(logScores[k] - max);
      sum += logScores[k];
    }
    for (int k = 0; k < logScores.length; k++) {
      logScores[k] /= sum;
    }
    return max + Math.log(sum);
  }

  /** Scales non-negative weights to sum to 1; all-zero weights become uniform. */
  public static void normalize(double[] weights) {
    double sum = 0;
    for (double v : weights) {
      sum += v;
    }
    for (int k = 0; k < weights.length; k++) {
      weights[k] = sum > 0 ? weights[k] / sum : 1.0 / weights.length;
    }
  }

  /**
   * Probabilities closer than this are a tie (sums of logs in different orders differ in the last
   * bits).
   */
  public static final double TIE = 1e-12;

  /**
   * Index of the largest value; ties go to the smallest index (the first label in sorted order).
   */
  public static int argmax(double[] values) {
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      if (values[k] > values[best] + TIE) {
        best = k;
      }
    }
    return best;
  }

  /** Votes per label weighted by {@code weights[worker]} (null: one each), normalized. */
  public static void votes(ItemBlock block, int item, double[] weights, double[] out) {
    java.util.Arrays.fill(out, 0);
    for (int a = block.start[item]; a < block.start[item + 1]; a++) {
      out[block.label[a]] += weights == null ? 1 : weights[block.worker[a]];
    }
    normalize(out);
  }

  /** Puts all mass on the gold label when the item has one; returns whether it did. */
  public static boolean clampGold(ItemBlock block, int item, double[] out) {
    int g = block.gold[item];
    if (g == ItemBlock.NO_GOLD) {
      return false;
    }
    java.util.Arrays.fill(out, 0);
    out[g] = 1;
    return true;
  }
}
