package io.annolake.common.aggregation;

import java.util.ArrayList;
import java.util.List;

/**
 * Reliability of consensus confidences: items binned by confidence, per bin the mean confidence and
 * the observed accuracy, and the expected calibration error (ECE), the item-weighted mean gap
 * between the two. A calibrated method's items at confidence 0.9 are right about 90% of the time.
 *
 * <p>Equal-width bins as in C. Guo, G. Pleiss, Y. Sun and K. Weinberger, "On Calibration of Modern
 * Neural Networks", ICML 2017 (ECE = sum over bins of n_b / n * |accuracy_b - confidence_b|).
 */
public final class Calibration {
  /** One confidence bin [low, high); the last bin includes 1. */
  public record Bin(double low, double high, long items, double meanConfidence, double accuracy) {}

  /**
   * The table.
   *
   * @param bins non-empty bins in order
   * @param items items scored
   * @param accuracy share of items whose label was right
   * @param meanConfidence mean confidence
   * @param ece expected calibration error
   */
  public record Table(
      List<Bin> bins, long items, double accuracy, double meanConfidence, double ece) {
    /** The table as fixed-width text, one bin per line. */
    public String format(String indent) {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              "%s%-11s %7s %10s %9s %7s%n",
              indent, "confidence", "items", "mean conf", "accuracy", "gap"));
      for (Bin b : bins) {
        s.append(
            String.format(
                "%s%.2f-%.2f  %7d %10.4f %9.4f %+7.4f%n",
                indent,
                b.low(),
                b.high(),
                b.items(),
                b.meanConfidence(),
                b.accuracy(),
                b.accuracy() - b.meanConfidence()));
      }
      s.append(
          String.format(
              "%sall         %7d %10.4f %9.4f   ECE %.4f",
              indent, items, meanConfidence, accuracy, ece));
      return s.toString();
    }
  }

  private Calibration() {}

  /**
   * Bins {@code confidence} (each in [0, 1]) into {@code bins} equal-width bins and scores them
   * against {@code right}.
   */
  public static Table of(double[] confidence, boolean[] right, int bins) {
    Checks.argument(
        confidence.length == right.length,
        "Cannot calibrate: confidences and outcomes differ in length, got",
        confidence.length + " vs " + right.length);
    Checks.argument(bins > 0, "Cannot calibrate: bins must be > 0, got", bins);
    long[] n = new long[bins];
    double[] conf = new double[bins];
    long[] hits = new long[bins];
    double width = 1.0 / bins;
    long total = 0;
    long allHits = 0;
    double allConf = 0;
    for (int i = 0; i < confidence.length; i++) {
      double c = confidence[i];
      Checks.argument(
          c >= 0 && c <= 1 + 1e-9, "Cannot calibrate: confidence must be in [0, 1], got", c);
      int b = (int) Math.max(0, Math.min(bins - 1, Math.floor(c / width + 1e-9)));
      n[b]++;
      conf[b] += c;
      hits[b] += right[i] ? 1 : 0;
      total++;
      allHits += right[i] ? 1 : 0;
      allConf += c;
    }
    List<Bin> out = new ArrayList<>();
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (n[b] == 0) {
        continue;
      }
      double meanConf = conf[b] / n[b];
      double acc = (double) hits[b] / n[b];
      out.add(new Bin(b * width, (b + 1) * width, n[b], meanConf, acc));
      ece += (double) n[b] / total * Math.abs(acc - meanConf);
    }
    return new Table(
        List.copyOf(out),
        total,
        total == 0 ? 0 : (double) allHits / total,
        total == 0 ? 0 : allConf / total,
        ece);
  }
}
