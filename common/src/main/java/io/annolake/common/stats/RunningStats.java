package io.annolake.common.stats;

/**
 * Online mean and variance (Welford 1962), mergeable (Chan, Golub and LeVeque 1979), immutable: the
 * baseline of a worker's own daily series, built one day at a time without keeping the days.
 */
public record RunningStats(long n, double mean, double m2) {
  public static final RunningStats EMPTY = new RunningStats(0, 0, 0);

  public static RunningStats of(double... values) {
    RunningStats s = EMPTY;
    for (double v : values) {
      s = s.add(v);
    }
    return s;
  }

  /** This plus one observation (Welford's update, stable where the naive sum of squares is not). */
  public RunningStats add(double x) {
    long n1 = n + 1;
    double delta = x - mean;
    double mean1 = mean + delta / n1;
    return new RunningStats(n1, mean1, m2 + delta * (x - mean1));
  }

  /** This and another summary combined, as if every observation had been added to one. */
  public RunningStats merge(RunningStats o) {
    if (o.n == 0) {
      return this;
    }
    if (n == 0) {
      return o;
    }
    long total = n + o.n;
    double delta = o.mean - mean;
    return new RunningStats(
        total, mean + delta * o.n / total, m2 + o.m2 + delta * delta * n * o.n / total);
  }

  /** Sample variance (n - 1 in the denominator); NaN below two observations. */
  public double variance() {
    return n < 2 ? Double.NaN : m2 / (n - 1);
  }

  public double stddev() {
    return Math.sqrt(variance());
  }

  /**
   * (x - mean) / stddev; NaN without a usable baseline (fewer than two observations or no spread).
   */
  public double z(double x) {
    double sd = stddev();
    return sd > 0 ? (x - mean) / sd : Double.NaN;
  }
}
