package io.annolake.common.anomaly;

import static io.annolake.common.config.AnnolakeConfig.require;

import io.annolake.common.config.AnnolakeConfig;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every {@code annolake.anomalies} key, read and validated up front, one record per detector as
 * reference.conf groups them (see there for each meaning). The window and the two thresholds all
 * detectors share stay at the top.
 */
public record AnomalySettings(
    Window window,
    int minAnswers,
    double robustZ,
    Timing timing,
    Burst burst,
    StraightLining straightLining,
    LabelShift labelShift,
    ConsensusAgreement consensusAgreement,
    RubberStamping rubberStamping,
    GoldSpike goldSpike,
    CollusionPairs collusion,
    Contested contested,
    ImpossibleTimestamp impossibleTimestamp)
    implements Serializable {
  private static final String P = "annolake.anomalies.";

  public AnomalySettings {
    require(minAnswers >= 1, P + "min-answers", minAnswers, "must be >= 1");
    require(robustZ > 0, P + "robust-z", robustZ, "must be positive");
  }

  /** Binds and validates every key; a bad value is a ConfigException naming it. */
  public static AnomalySettings from(AnnolakeConfig c) {
    return new AnomalySettings(
        Window.from(c),
        c.integer(P + "min-answers"),
        c.number(P + "robust-z"),
        Timing.from(c),
        Burst.from(c),
        StraightLining.from(c),
        LabelShift.from(c),
        ConsensusAgreement.from(c),
        RubberStamping.from(c),
        GoldSpike.from(c),
        CollusionPairs.from(c),
        Contested.from(c),
        ImpossibleTimestamp.from(c));
  }

  /** The same settings with another window (the --window-days flag). */
  public AnomalySettings withWindowDays(int days) {
    return new AnomalySettings(
        new Window(days, window.recentDays(), window.historyDays()),
        minAnswers,
        robustZ,
        timing,
        burst,
        straightLining,
        labelShift,
        consensusAgreement,
        rubberStamping,
        goldSpike,
        collusion,
        contested,
        impossibleTimestamp);
  }

  /** The days a run looks at: the window, its recent part, and the history before it. */
  public record Window(int days, int recentDays, int historyDays) implements Serializable {
    public Window {
      require(days >= 1, P + "window-days", days, "must be >= 1");
      require(historyDays >= 0, P + "history-days", historyDays, "must be >= 0");
      require(
          recentDays >= 1 && recentDays < days + historyDays,
          P + "recent-days",
          recentDays,
          "must be >= 1 and below window-days + history-days " + (days + historyDays));
    }

    static Window from(AnnolakeConfig c) {
      return new Window(
          c.integer(P + "window-days"),
          c.integer(P + "recent-days"),
          c.integer(P + "history-days"));
    }
  }

  /** TOO_FAST and timing outliers: durations below a step's plausible minimum. */
  public record Timing(
      double outlierZ,
      long minDurationMs,
      Map<String, Long> minDurationOverrides,
      double tooFastFraction)
      implements Serializable {
    private static final String T = P + "timing.";

    public Timing {
      minDurationOverrides = Map.copyOf(minDurationOverrides);
      require(outlierZ > 0, T + "outlier-z", outlierZ, "must be positive");
      require(minDurationMs >= 0, T + "min-duration-ms", minDurationMs, "must be >= 0");
      require(
          tooFastFraction > 0 && tooFastFraction < 1,
          T + "too-fast-fraction",
          tooFastFraction,
          "must be in (0, 1)");
    }

    static Timing from(AnnolakeConfig c) {
      Map<String, Long> overrides = new TreeMap<>();
      c.stringMap(T + "min-duration-overrides").forEach((k, v) -> overrides.put(k, parseMs(k, v)));
      return new Timing(
          c.number(T + "outlier-z"),
          c.longValue(T + "min-duration-ms"),
          overrides,
          c.number(T + "too-fast-fraction"));
    }

    /**
     * The minimum plausible duration of a project and step: project/step override, else project,
     * else the default.
     */
    public long minDurationFor(String project, String step) {
      Long exact = minDurationOverrides.get(project + "/" + step);
      if (exact != null) {
        return exact;
      }
      return minDurationOverrides.getOrDefault(project, minDurationMs);
    }

    private static long parseMs(String key, String value) {
      String full = T + "min-duration-overrides.\"" + key + "\"";
      long ms;
      try {
        ms = Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        ms = -1;
      }
      require(ms >= 0, full, value, "must be a whole number of milliseconds >= 0");
      return ms;
    }
  }

  /** BURST: many answers inside a short window. */
  public record Burst(long windowMs, int minCount, double factor) implements Serializable {
    private static final String B = P + "burst.";

    public Burst {
      require(windowMs > 0, B + "window", windowMs + "ms", "must be positive");
      require(minCount >= 2, B + "min-count", minCount, "must be >= 2");
      require(factor > 0, B + "factor", factor, "must be positive");
    }

    static Burst from(AnnolakeConfig c) {
      return new Burst(
          c.duration(B + "window").toMillis(), c.integer(B + "min-count"), c.number(B + "factor"));
    }
  }

  /** STRAIGHT_LINING: low label entropy and improbable runs of one label. */
  public record StraightLining(double entropyRatio, double runPValue, int minRun)
      implements Serializable {
    private static final String S = P + "straight-lining.";

    public StraightLining {
      require(
          entropyRatio > 0 && entropyRatio < 1,
          S + "entropy-ratio",
          entropyRatio,
          "must be in (0, 1)");
      require(runPValue > 0 && runPValue < 1, S + "run-p-value", runPValue, "must be in (0, 1)");
      require(minRun >= 2, S + "min-run", minRun, "must be >= 2");
    }

    static StraightLining from(AnnolakeConfig c) {
      return new StraightLining(
          c.number(S + "entropy-ratio"), c.number(S + "run-p-value"), c.integer(S + "min-run"));
    }
  }

  /** LABEL_SHIFT: a worker's recent label mix against their own history. */
  public record LabelShift(int minCount, double pValue, double minKl) implements Serializable {
    private static final String L = P + "label-shift.";

    public LabelShift {
      require(minCount >= 1, L + "min-count", minCount, "must be >= 1");
      require(pValue > 0 && pValue < 1, L + "p-value", pValue, "must be in (0, 1)");
      require(minKl >= 0, L + "min-kl", minKl, "must be >= 0");
    }

    static LabelShift from(AnnolakeConfig c) {
      return new LabelShift(
          c.integer(L + "min-count"), c.number(L + "p-value"), c.number(L + "min-kl"));
    }
  }

  /** LOW_CONSENSUS_AGREEMENT: kappa against the consensus label. */
  public record ConsensusAgreement(double maxKappa) implements Serializable {
    public ConsensusAgreement {
      require(
          maxKappa > -1 && maxKappa < 1,
          P + "consensus-agreement.max-kappa",
          maxKappa,
          "must be in (-1, 1)");
    }

    static ConsensusAgreement from(AnnolakeConfig c) {
      return new ConsensusAgreement(c.number(P + "consensus-agreement.max-kappa"));
    }
  }

  /** RUBBER_STAMPING: pre-labels accepted even where they were wrong. */
  public record RubberStamping(int minWrongPrelabels, double minAcceptRate)
      implements Serializable {
    private static final String R = P + "rubber-stamping.";

    public RubberStamping {
      require(minWrongPrelabels >= 1, R + "min-wrong-prelabels", minWrongPrelabels, "must be >= 1");
      require(
          minAcceptRate > 0 && minAcceptRate <= 1,
          R + "min-accept-rate",
          minAcceptRate,
          "must be in (0, 1]");
    }

    static RubberStamping from(AnnolakeConfig c) {
      return new RubberStamping(
          c.integer(R + "min-wrong-prelabels"), c.number(R + "min-accept-rate"));
    }
  }

  /** GOLD_FAILURE_SPIKE: recent gold accuracy far below the worker's own history. */
  public record GoldSpike(int minHistory, int minRecent, double minDrop, double z)
      implements Serializable {
    private static final String G = P + "gold-spike.";

    public GoldSpike {
      require(minHistory >= 1, G + "min-history", minHistory, "must be >= 1");
      require(minRecent >= 1, G + "min-recent", minRecent, "must be >= 1");
      require(minDrop > 0 && minDrop <= 1, G + "min-drop", minDrop, "must be in (0, 1]");
      require(z > 0, G + "z", z, "must be positive");
    }

    static GoldSpike from(AnnolakeConfig c) {
      return new GoldSpike(
          c.integer(G + "min-history"),
          c.integer(G + "min-recent"),
          c.number(G + "min-drop"),
          c.number(G + "z"));
    }
  }

  /** COLLUSION: pairs of workers agreeing on wrong labels beyond chance. */
  public record CollusionPairs(int minShared, double minExcess, double z, double smoothing)
      implements Serializable {
    private static final String C = P + "collusion.";

    public CollusionPairs {
      require(minShared >= 2, C + "min-shared", minShared, "must be >= 2");
      require(minExcess > 0 && minExcess <= 1, C + "min-excess", minExcess, "must be in (0, 1]");
      require(z > 0, C + "z", z, "must be positive");
      require(smoothing > 0, C + "smoothing", smoothing, "must be positive");
    }

    static CollusionPairs from(AnnolakeConfig c) {
      return new CollusionPairs(
          c.integer(C + "min-shared"),
          c.number(C + "min-excess"),
          c.number(C + "z"),
          c.number(C + "smoothing"));
    }
  }

  /** CONTESTED_ITEM: items whose answers split with no clear winner. */
  public record Contested(int minAnswers, double maxTopShare) implements Serializable {
    private static final String K = P + "contested.";

    public Contested {
      require(minAnswers >= 2, K + "min-answers", minAnswers, "must be >= 2");
      require(
          maxTopShare > 0 && maxTopShare < 1,
          K + "max-top-share",
          maxTopShare,
          "must be in (0, 1)");
    }

    static Contested from(AnnolakeConfig c) {
      return new Contested(c.integer(K + "min-answers"), c.number(K + "max-top-share"));
    }
  }

  /** IMPOSSIBLE_TIMESTAMP: clocks, durations and batch submissions that cannot be. */
  public record ImpossibleTimestamp(
      long clockSkewMs,
      long durationToleranceMs,
      double batchQuantile,
      long batchMarginMs,
      int batchMinRecords)
      implements Serializable {
    private static final String I = P + "impossible-timestamp.";

    public ImpossibleTimestamp {
      require(clockSkewMs >= 0, I + "clock-skew", clockSkewMs + "ms", "must not be negative");
      require(
          durationToleranceMs >= 0,
          I + "duration-tolerance",
          durationToleranceMs + "ms",
          "must not be negative");
      require(
          batchQuantile >= 0 && batchQuantile < 0.5,
          I + "batch-quantile",
          batchQuantile,
          "must be in [0, 0.5)");
      require(batchMarginMs >= 0, I + "batch-margin", batchMarginMs + "ms", "must not be negative");
      require(batchMinRecords >= 2, I + "batch-min-records", batchMinRecords, "must be >= 2");
    }

    static ImpossibleTimestamp from(AnnolakeConfig c) {
      return new ImpossibleTimestamp(
          c.duration(I + "clock-skew").toMillis(),
          c.duration(I + "duration-tolerance").toMillis(),
          c.number(I + "batch-quantile"),
          c.duration(I + "batch-margin").toMillis(),
          c.integer(I + "batch-min-records"));
    }
  }
}
