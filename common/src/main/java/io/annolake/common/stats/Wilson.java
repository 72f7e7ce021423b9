package io.annolake.common.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, method 3). Unlike
 * the normal approximation it stays inside [0, 1] and is honest for small counts and for 0 or n
 * successes, which is exactly where a worker's first gold answers sit.
 */
public final class Wilson {
  /** A two-sided interval; NaN bounds when there is no evidence. */
  public record Interval(double low, double high) {}

  private Wilson() {}

  /** The two-sided normal quantile for a confidence level, e.g. 0.95 -> 1.95996. */
  public static double z(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException(
          "Cannot compute z: confidence must be in (0, 1), got " + confidence);
    }
    return new NormalDistribution().inverseCumulativeProbability(0.5 + confidence / 2);
  }

  /** The interval for {@code correct} successes out of {@code n}. */
  public static Interval interval(long correct, long n, double z) {
    if (n <= 0) {
      return new Interval(Double.NaN, Double.NaN);
    }
    if (correct < 0 || correct > n) {
      throw new IllegalArgumentException(
          "Cannot compute interval: correct " + correct + " not in [0, " + n + "]");
    }
    double p = (double) correct / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double center = (p + z2 / (2.0 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    // Clamp rounding noise at the ends (0 of n must give exactly 0).
    return new Interval(Math.max(0, center - half), Math.min(1, center + half));
  }
}
