package io.annolake.common.stats;

import java.util.Arrays;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;

/**
 * Location and scale that a minority of anomalies cannot drag: median, MAD, percentiles and the
 * robust z-score (Iglewicz and Hoaglin 1993). The detectors compare a worker with the step's
 * population through these, so a crowd with 20% spammers still defines "normal" by its majority.
 */
public final class RobustStats {
  /** MAD times this estimates the standard deviation of a normal distribution. */
  public static final double MAD_TO_SIGMA = 1.4826;

  private RobustStats() {}

  /**
   * The median (mean of the two middle values for an even count); NaN for no values. Does not
   * modify the input.
   */
  public static double median(double[] values) {
    return percentile(values, 0.5);
  }

  /**
   * The p-th percentile with linear interpolation between order statistics (Hyndman and Fan type 7,
   * R's default): p = 0 is the minimum, p = 1 the maximum. NaN for no values.
   */
  public static double percentile(double[] values, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "Cannot compute percentile: p must be in [0, 1], got " + p);
    }
    if (values.length == 0) {
      return Double.NaN;
    }
    if (p == 0) { // commons-math takes p in (0, 100]; type 7 at 0 is the minimum
      return Arrays.stream(values).min().getAsDouble();
    }
    return new Percentile().withEstimationType(EstimationType.R_7).evaluate(values, p * 100);
  }

  /** Median absolute deviation from the median (unscaled); NaN for no values. */
  public static double mad(double[] values) {
    double m = median(values);
    double[] deviations = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      deviations[i] = Math.abs(values[i] - m);
    }
    return median(deviations);
  }

  /**
   * (x - median) / max(1.4826 * MAD, minScale). The floor keeps a population that happens to be
   * almost identical (MAD near 0) from turning tiny differences into huge scores.
   */
  public static double robustZ(double x, double median, double mad, double minScale) {
    double scale = Math.max(MAD_TO_SIGMA * mad, minScale);
    if (!(scale > 0)) {
      return x == median ? 0 : Math.copySign(Double.POSITIVE_INFINITY, x - median);
    }
    return (x - median) / scale;
  }

  /** Location and scale of a population, computed once and applied to each member. */
  public record Location(double median, double mad, int n) {
    public static Location of(double[] values) {
      return new Location(RobustStats.median(values), RobustStats.mad(values), values.length);
    }

    public double z(double x, double minScale) {
      return robustZ(x, median, mad, minScale);
    }
  }
}
