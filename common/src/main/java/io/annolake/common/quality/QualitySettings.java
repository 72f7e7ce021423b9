package io.annolake.common.quality;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.stats.Wilson;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** Every {@code annolake.quality} key, read and validated up front (see reference.conf). */
public record QualitySettings(
    double threshold,
    Map<String, Double> thresholdOverrides,
    double confidence,
    int minEvidence,
    int windowSize,
    int windowDays,
    int retrainingCount,
    boolean adjudicationsAsGold,
    double goldShareTarget,
    int reviewMinServed,
    double reviewMaxAccuracy)
    implements Serializable {
  private static final String P = "annolake.quality.";

  public QualitySettings {
    thresholdOverrides = Map.copyOf(thresholdOverrides);
  }

  public static QualitySettings from(AnnolakeConfig c) {
    Map<String, Double> overrides = new TreeMap<>();
    c.stringMap(P + "threshold-overrides")
        .forEach((k, v) -> overrides.put(k, parseThreshold(k, v)));
    QualitySettings s =
        new QualitySettings(
            c.number(P + "threshold"),
            overrides,
            c.number(P + "confidence"),
            c.integer(P + "min-evidence"),
            c.integer(P + "window-size"),
            c.integer(P + "window-days"),
            c.integer(P + "retraining-count"),
            c.bool(P + "adjudications-as-gold"),
            c.number(P + "gold-share-target"),
            c.integer(P + "review-min-served"),
            c.number(P + "review-max-accuracy"));
    AnnolakeConfig.require(
        s.threshold > 0 && s.threshold <= 1, P + "threshold", s.threshold, "must be in (0, 1]");
    AnnolakeConfig.require(
        s.confidence > 0 && s.confidence < 1, P + "confidence", s.confidence, "must be in (0, 1)");
    AnnolakeConfig.require(s.minEvidence >= 1, P + "min-evidence", s.minEvidence, "must be >= 1");
    AnnolakeConfig.require(
        s.windowSize >= s.minEvidence,
        P + "window-size",
        s.windowSize,
        "must be >= min-evidence " + s.minEvidence);
    AnnolakeConfig.require(s.windowDays >= 1, P + "window-days", s.windowDays, "must be >= 1");
    AnnolakeConfig.require(
        s.retrainingCount >= 1, P + "retraining-count", s.retrainingCount, "must be >= 1");
    AnnolakeConfig.require(
        s.goldShareTarget >= 0 && s.goldShareTarget <= 1,
        P + "gold-share-target",
        s.goldShareTarget,
        "must be in [0, 1]");
    AnnolakeConfig.require(
        s.reviewMinServed >= 1, P + "review-min-served", s.reviewMinServed, "must be >= 1");
    AnnolakeConfig.require(
        s.reviewMaxAccuracy >= 0 && s.reviewMaxAccuracy <= 1,
        P + "review-max-accuracy",
        s.reviewMaxAccuracy,
        "must be in [0, 1]");
    return s;
  }

  private static double parseThreshold(String key, String value) {
    String full = P + "threshold-overrides.\"" + key + "\"";
    double t;
    try {
      t = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      t = Double.NaN;
    }
    AnnolakeConfig.require(t > 0 && t <= 1, full, value, "must be a number in (0, 1]");
    return t;
  }

  /**
   * The threshold of a project and step: project/step override, else project override, else
   * default.
   */
  public double thresholdFor(String project, String step) {
    Double exact = thresholdOverrides.get(project + "/" + step);
    if (exact != null) {
      return exact;
    }
    return thresholdOverrides.getOrDefault(project, threshold);
  }

  public double z() {
    return Wilson.z(confidence);
  }

  public StatusPolicy policyFor(String project, String step) {
    return new StatusPolicy(thresholdFor(project, step), minEvidence, retrainingCount, z());
  }
}
