package io.annolake.common.stats;

/** Comparisons of rates and values against a baseline. */
public final class Proportions {
  private Proportions() {}

  /**
   * (current - baseline) / |baseline|: -0.5 is "halved", 1.0 "doubled". NaN when the baseline is 0
   * or either value is not a number (a change from nothing has no relative size).
   */
  public static double relativeChange(double current, double baseline) {
    if (baseline == 0 || Double.isNaN(baseline) || Double.isNaN(current)) {
      return Double.NaN;
    }
    return (current - baseline) / Math.abs(baseline);
  }

  /**
   * One-sided two-proportion z statistic for "the first rate is above the second", with the pooled
   * standard error (Fleiss, Statistical Methods for Rates and Proportions, 3rd ed., 3.2). 0 when
   * either sample is empty or both rates are 0 or 1 (no variance: no evidence of a difference).
   */
  public static double twoProportionZ(long successes1, long n1, long successes2, long n2) {
    if (n1 <= 0 || n2 <= 0) {
      return 0;
    }
    double p1 = (double) successes1 / n1;
    double p2 = (double) successes2 / n2;
    double pooled = (double) (successes1 + successes2) / (n1 + n2);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    return se > 0 ? (p1 - p2) / se : 0;
  }

  /**
   * Kappa-style excess of an observed rate over the rate expected by chance: (observed - expected)
   * / (1 - expected). 1 = perfect beyond chance, 0 = chance, negative = below. NaN when chance
   * already explains everything (expected = 1).
   */
  public static double excessOverChance(double observed, double expected) {
    return expected >= 1 ? Double.NaN : (observed - expected) / (1 - expected);
  }
}
