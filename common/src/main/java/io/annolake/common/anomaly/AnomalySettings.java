package io.annolake.common.anomaly;

import io.annolake.common.config.AnnolakeConfig;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every {@code annolake.anomalies} key, read and validated up front (see reference.conf for each
 * meaning).
 */
public record AnomalySettings(
    int windowDays,
    int recentDays,
    int historyDays,
    int minAnswers,
    double robustZ,
    double timingOutlierZ,
    long minDurationMs,
    Map<String, Long> minDurationOverrides,
    double tooFastFraction,
    long burstWindowMs,
    int burstMinCount,
    double burstFactor,
    double entropyRatio,
    double runPValue,
    int minRun,
    int shiftMinCount,
    double shiftPValue,
    double shiftMinKl,
    double maxKappa,
    int minWrongPrelabels,
    double minAcceptRate,
    int spikeMinHistory,
    int spikeMinRecent,
    double spikeMinDrop,
    double spikeZ,
    int collusionMinShared,
    double collusionMinExcess,
    double collusionZ,
    double collusionSmoothing,
    int contestedMinAnswers,
    double contestedMaxTopShare,
    long clockSkewMs,
    long durationToleranceMs,
    double batchQuantile,
    long batchMarginMs,
    int batchMinRecords)
    implements Serializable {
  private static final String P = "annolake.anomalies.";

  public AnomalySettings {
    minDurationOverrides = Map.copyOf(minDurationOverrides);
  }

  public static AnomalySettings from(AnnolakeConfig c) {
    Map<String, Long> overrides = new TreeMap<>();
    c.stringMap(P + "timing.min-duration-overrides")
        .forEach((k, v) -> overrides.put(k, parseMs(k, v)));
    AnomalySettings s =
        new AnomalySettings(
            c.integer(P + "window-days"),
            c.integer(P + "recent-days"),
            c.integer(P + "history-days"),
            c.integer(P + "min-answers"),
            c.number(P + "robust-z"),
            c.number(P + "timing.outlier-z"),
            c.longValue(P + "timing.min-duration-ms"),
            overrides,
            c.number(P + "timing.too-fast-fraction"),
            c.duration(P + "burst.window").toMillis(),
            c.integer(P + "burst.min-count"),
            c.number(P + "burst.factor"),
            c.number(P + "straight-lining.entropy-ratio"),
            c.number(P + "straight-lining.run-p-value"),
            c.integer(P + "straight-lining.min-run"),
            c.integer(P + "label-shift.min-count"),
            c.number(P + "label-shift.p-value"),
            c.number(P + "label-shift.min-kl"),
            c.number(P + "consensus-agreement.max-kappa"),
            c.integer(P + "rubber-stamping.min-wrong-prelabels"),
            c.number(P + "rubber-stamping.min-accept-rate"),
            c.integer(P + "gold-spike.min-history"),
            c.integer(P + "gold-spike.min-recent"),
            c.number(P + "gold-spike.min-drop"),
            c.number(P + "gold-spike.z"),
            c.integer(P + "collusion.min-shared"),
            c.number(P + "collusion.min-excess"),
            c.number(P + "collusion.z"),
            c.number(P + "collusion.smoothing"),
            c.integer(P + "contested.min-answers"),
            c.number(P + "contested.max-top-share"),
            c.duration(P + "impossible-timestamp.clock-skew").toMillis(),
            c.duration(P + "impossible-timestamp.duration-tolerance").toMillis(),
            c.number(P + "impossible-timestamp.batch-quantile"),
            c.duration(P + "impossible-timestamp.batch-margin").toMillis(),
            c.integer(P + "impossible-timestamp.batch-min-records"));
    return s.validated();
  }

  /** The same settings with another window (the --window-days flag). */
  public AnomalySettings withWindowDays(int days) {
    return new AnomalySettings(
            days,
            recentDays,
            historyDays,
            minAnswers,
            robustZ,
            timingOutlierZ,
            minDurationMs,
            minDurationOverrides,
            tooFastFraction,
            burstWindowMs,
            burstMinCount,
            burstFactor,
            entropyRatio,
            runPValue,
            minRun,
            shiftMinCount,
            shiftPValue,
            shiftMinKl,
            maxKappa,
            minWrongPrelabels,
            minAcceptRate,
            spikeMinHistory,
            spikeMinRecent,
            spikeMinDrop,
            spikeZ,
            collusionMinShared,
            collusionMinExcess,
            collusionZ,
            collusionSmoothing,
            contestedMinAnswers,
            contestedMaxTopShare,
            clockSkewMs,
            durationToleranceMs,
            batchQuantile,
            batchMarginMs,
            batchMinRecords)
        .validated();
  }

  private AnomalySettings validated() {
    AnnolakeConfig.require(windowDays >= 1, P + "window-days", windowDays, "must be >= 1");
    AnnolakeConfig.require(
        recentDays >= 1 && recentDays < windowDays + historyDays,
        P + "recent-days",
        recentDays,
        "must be >= 1 and below window-days + history-days " + (windowDays + historyDays));
    AnnolakeConfig.require(historyDays >= 0, P + "history-days", historyDays, "must be >= 0");
    AnnolakeConfig.require(minAnswers >= 1, P + "min-answers", minAnswers, "must be >= 1");
    AnnolakeConfig.require(robustZ > 0, P + "robust-z", robustZ, "must be positive");
    AnnolakeConfig.require(
        timingOutlierZ > 0, P + "timing.outlier-z", timingOutlierZ, "must be positive");
    AnnolakeConfig.require(
        minDurationMs >= 0, P + "timing.min-duration-ms", minDurationMs, "must be >= 0");
    AnnolakeConfig.require(
        tooFastFraction > 0 && tooFastFraction < 1,
        P + "timing.too-fast-fraction",
        tooFastFraction,
        "must be in (0, 1)");
    AnnolakeConfig.require(
        burstWindowMs > 0, P + "burst.window", burstWindowMs + "ms", "must be positive");
    AnnolakeConfig.require(
        burstMinCount >= 2, P + "burst.min-count", burstMinCount, "must be >= 2");
    AnnolakeConfig.require(burstFactor > 0, P + "burst.factor", burstFactor, "must be positive");
    AnnolakeConfig.require(
        entropyRatio > 0 && entropyRatio < 1,
        P + "straight-lining.entropy-ratio",
        entropyRatio,
        "must be in (0, 1)");
    AnnolakeConfig.require(
        runPValue > 0 && runPValue < 1,
        P + "straight-lining.run-p-value",
        runPValue,
        "must be in (0, 1)");
    AnnolakeConfig.require(minRun >= 2, P + "straight-lining.min-run", minRun, "must be >= 2");
    AnnolakeConfig.require(
        shiftMinCount >= 1, P + "label-shift.min-count", shiftMinCount, "must be >= 1");
    AnnolakeConfig.require(
        shiftPValue > 0 && shiftPValue < 1,
        P + "label-shift.p-value",
        shiftPValue,
        "must be in (0, 1)");
    AnnolakeConfig.require(shiftMinKl >= 0, P + "label-shift.min-kl", shiftMinKl, "must be >= 0");
    AnnolakeConfig.require(
        maxKappa > -1 && maxKappa < 1,
        P + "consensus-agreement.max-kappa",
        maxKappa,
        "must be in (-1, 1)");
    AnnolakeConfig.require(
        minWrongPrelabels >= 1,
        P + "rubber-stamping.min-wrong-prelabels",
        minWrongPrelabels,
        "must be >= 1");
    AnnolakeConfig.require(
        minAcceptRate > 0 && minAcceptRate <= 1,
        P + "rubber-stamping.min-accept-rate",
        minAcceptRate,
        "must be in (0, 1]");
    AnnolakeConfig.require(
        spikeMinHistory >= 1, P + "gold-spike.min-history", spikeMinHistory, "must be >= 1");
    AnnolakeConfig.require(
        spikeMinRecent >= 1, P + "gold-spike.min-recent", spikeMinRecent, "must be >= 1");
    AnnolakeConfig.require(
        spikeMinDrop > 0 && spikeMinDrop <= 1,
        P + "gold-spike.min-drop",
        spikeMinDrop,
        "must be in (0, 1]");
    AnnolakeConfig.require(spikeZ > 0, P + "gold-spike.z", spikeZ, "must be positive");
    AnnolakeConfig.require(
        collusionMinShared >= 2, P + "collusion.min-shared", collusionMinShared, "must be >= 2");
    AnnolakeConfig.require(
        collusionMinExcess > 0 && collusionMinExcess <= 1,
        P + "collusion.min-excess",
        collusionMinExcess,
        "must be in (0, 1]");
    AnnolakeConfig.require(collusionZ > 0, P + "collusion.z", collusionZ, "must be positive");
    AnnolakeConfig.require(
        collusionSmoothing > 0, P + "collusion.smoothing", collusionSmoothing, "must be positive");
    AnnolakeConfig.require(
        contestedMinAnswers >= 2, P + "contested.min-answers", contestedMinAnswers, "must be >= 2");
    AnnolakeConfig.require(
        contestedMaxTopShare > 0 && contestedMaxTopShare < 1,
        P + "contested.max-top-share",
        contestedMaxTopShare,
        "must be in (0, 1)");
    AnnolakeConfig.require(
        clockSkewMs >= 0,
        P + "impossible-timestamp.clock-skew",
        clockSkewMs + "ms",
        "must not be negative");
    AnnolakeConfig.require(
        durationToleranceMs >= 0,
        P + "impossible-timestamp.duration-tolerance",
        durationToleranceMs + "ms",
        "must not be negative");
    AnnolakeConfig.require(
        batchQuantile >= 0 && batchQuantile < 0.5,
        P + "impossible-timestamp.batch-quantile",
        batchQuantile,
        "must be in [0, 0.5)");
    AnnolakeConfig.require(
        batchMarginMs >= 0,
        P + "impossible-timestamp.batch-margin",
        batchMarginMs + "ms",
        "must not be negative");
    AnnolakeConfig.require(
        batchMinRecords >= 2,
        P + "impossible-timestamp.batch-min-records",
        batchMinRecords,
        "must be >= 2");
    return this;
  }

  private static long parseMs(String key, String value) {
    String full = P + "timing.min-duration-overrides.\"" + key + "\"";
    long ms;
    try {
      ms = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      ms = -1;
    }
    AnnolakeConfig.require(ms >= 0, full, value, "must be a whole number of milliseconds >= 0");
    return ms;
  }

  /**
   * The minimum plausible duration of a project and step: project/step override, else project, else
   * the default.
   */
  public long minDurationFor(String project, String step) {
    Long exact = minDurationOverrides.get(project + "/" + step);
    if (exact != null) {
      return exact;
    }
    return minDurationOverrides.getOrDefault(project, minDurationMs);
  }
}
