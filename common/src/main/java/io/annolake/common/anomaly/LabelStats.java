package io.annolake.common.anomaly;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * What a worker's sequence of labels says about effort: entropy, runs, and its mix against a
 * reference.
 */
public final class LabelStats {
  private LabelStats() {}

  /** Shannon entropy in bits of a count vector (0 for one label or no answers). */
  public static double entropyBits(long[] counts) {
    long n = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("Cannot compute entropy: negative count " + c);
      }
      n += c;
    }
    if (n == 0) {
      return 0;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / n;
        h -= p * Math.log(p);
      }
    }
    return Math.max(0, h / Math.log(2));
  }

  /** Shares of a count vector (all 0 for no answers). */
  public static double[] shares(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    double[] s = new double[counts.length];
    for (int i = 0; i < counts.length && n > 0; i++) {
      s[i] = (double) counts[i] / n;
    }
    return s;
  }

  /** Longest run of equal consecutive values (0 for an empty sequence). */
  public static int longestRun(int[] sequence) {
    int best = 0;
    int run = 0;
    for (int i = 0; i < sequence.length; i++) {
      run = i > 0 && sequence[i] == sequence[i - 1] ? run + 1 : 1;
      best = Math.max(best, run);
    }
    return best;
  }

  /**
   * Probability that n independent answers drawn with the given label shares contain a run of at
   * least {@code length} equal labels somewhere: 1 - exp(-sum_k (n - L + 1)(1 - p_k) p_k^L), the
   * Poisson approximation for the number of runs that start at each position (Feller, vol. 1,
   * XIII.7). Accurate in the tail, which is all a detector needs; 1 when length <= 1.
   */
  public static double runTailProbability(long n, int length, double[] shares) {
    if (length <= 1) {
      return n > 0 ? 1 : 0;
    }
    if (length > n) {
      return 0;
    }
    double expectedRuns = 0;
    for (double p : shares) {
      if (p > 0) {
        // A run of length L starts at a position either at the beginning or after a different
        // label.
        expectedRuns += Math.exp(length * Math.log(p)) * ((n - length) * (1 - p) + 1);
      }
    }
    return -Math.expm1(-expectedRuns);
  }

  /** Pearson's chi-square test of observed counts against expected shares. */
  public record ChiSquare(double statistic, int degreesOfFreedom, double pValue, long n) {}

  /**
   * Pearson's chi-square goodness of fit of {@code observed} against {@code expectedShares}. Cells
   * with an expected count below {@code minExpected} are pooled into one (Cochran's rule: the
   * statistic is only chi-square distributed when expected counts are not tiny); labels the
   * reference never gives get the pseudo-share {@code smoothing} so a worker inventing a label is
   * seen instead of dividing by zero. Fewer than two cells after pooling: statistic 0, p-value 1.
   */
  public static ChiSquare chiSquare(
      long[] observed, double[] expectedShares, double minExpected, double smoothing) {
    if (observed.length != expectedShares.length) {
      throw new IllegalArgumentException(
          "Cannot run chi-square: "
              + observed.length
              + " observed cells but "
              + expectedShares.length
              + " expected shares");
    }
    long n = 0;
    for (long o : observed) {
      n += o;
    }
    double[] q = smoothed(expectedShares, smoothing);
    double stat = 0;
    int cells = 0;
    double pooledObserved = 0;
    double pooledExpected = 0;
    for (int k = 0; k < observed.length; k++) {
      double e = n * q[k];
      if (e < minExpected) {
        pooledObserved += observed[k];
        pooledExpected += e;
      } else {
        stat += (observed[k] - e) * (observed[k] - e) / e;
        cells++;
      }
    }
    if (pooledExpected > 0) {
      stat +=
          (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
      cells++;
    }
    if (cells < 2 || n == 0) {
      return new ChiSquare(0, 0, 1, n);
    }
    int df = cells - 1;
    double p = new ChiSquaredDistribution(null, df).cumulativeProbability(stat);
    return new ChiSquare(stat, df, Math.max(0, 1 - p), n);
  }

  /**
   * Kullback-Leibler divergence KL(observed shares || reference shares) in nats; the reference is
   * smoothed as in {@link #chiSquare}, so the result is finite.
   */
  public static double klDivergence(long[] observed, double[] referenceShares, double smoothing) {
    double[] p = shares(observed);
    double[] q = smoothed(referenceShares, smoothing);
    double kl = 0;
    for (int k = 0; k < p.length; k++) {
      if (p[k] > 0) {
        kl += p[k] * Math.log(p[k] / q[k]);
      }
    }
    return Math.max(0, kl);
  }

  /** Shares with every cell raised to at least {@code floor} and renormalised. */
  static double[] smoothed(double[] shares, double floor) {
    double[] q = new double[shares.length];
    double total = 0;
    for (int k = 0; k < shares.length; k++) {
      if (shares[k] < 0) {
        throw new IllegalArgumentException(
            "Cannot use share " + shares[k] + ": shares must not be negative");
      }
      q[k] = Math.max(shares[k], floor);
      total += q[k];
    }
    for (int k = 0; k < q.length && total > 0; k++) {
      q[k] /= total;
    }
    return q;
  }
}
