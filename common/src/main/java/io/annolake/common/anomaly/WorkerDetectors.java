package io.annolake.common.anomaly;

import io.annolake.common.stats.Proportions;
import io.annolake.common.stats.RobustStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The worker and pair detectors of one project and step: plain functions from gathered statistics
 * to flags. Every threshold is relative to the step (its median duration, its workers' median and
 * MAD, the label mix of the worker's own items) or a statement about chance, never a number that
 * only fits one dataset; the defaults are in reference.conf.
 */
public final class WorkerDetectors {
  /**
   * Floors of the robust scales, so a crowd that happens to be uniform does not turn noise into z =
   * 10.
   */
  static final double KAPPA_MIN_SCALE = 0.05;

  static final double RATE_MIN_SCALE = 0.05;

  /**
   * Gold answers a worker needs before their gold accuracy can excuse disagreeing with the crowd.
   */
  static final int MIN_GOLD_FOR_EXCUSE = 10;

  /** Expected count below which chi-square cells are pooled (Cochran). */
  static final double MIN_EXPECTED = 5;

  /** Pseudo-share of labels the reference never gives. */
  static final double SHARE_FLOOR = 1e-3;

  private WorkerDetectors() {}

  /** Every enabled worker detector over the step's workers. */
  public static List<Flag> detect(
      List<WorkerStats> workers, StepContext ctx, AnomalySettings s, Set<AnomalyCode> enabled) {
    List<Flag> flags = new ArrayList<>();
    RobustStats.Location kappas =
        RobustStats.Location.of(
            workers.stream()
                .filter(w -> w.consensusAnswers() >= s.minAnswers())
                .mapToDouble(WorkerDetectors::kappa)
                .toArray());
    RobustStats.Location acceptRates =
        RobustStats.Location.of(
            workers.stream()
                .filter(w -> w.wrongPrelabels() >= s.rubberStamping().minWrongPrelabels())
                .mapToDouble(WorkerDetectors::acceptRate)
                .toArray());
    double goldMedian =
        RobustStats.median(
            workers.stream()
                .filter(w -> w.goldAnswers() >= MIN_GOLD_FOR_EXCUSE)
                .mapToDouble(WorkerStats::goldAccuracy)
                .toArray());
    for (WorkerStats w : workers) {
      if (enabled.contains(AnomalyCode.TOO_FAST)) {
        tooFast(w, ctx, s).ifPresent(flags::add);
      }
      if (enabled.contains(AnomalyCode.BURST)) {
        burst(w, ctx, s).ifPresent(flags::add);
      }
      if (enabled.contains(AnomalyCode.STRAIGHT_LINING)) {
        straightLining(w, ctx, s).ifPresent(flags::add);
      }
      if (enabled.contains(AnomalyCode.LABEL_DISTRIBUTION_SHIFT)) {
        labelShift(w, ctx, s).ifPresent(flags::add);
      }
      if (enabled.contains(AnomalyCode.LOW_CONSENSUS_AGREEMENT)) {
        lowConsensusAgreement(w, ctx, s, kappas, goldMedian).ifPresent(flags::add);
      }
      if (enabled.contains(AnomalyCode.PRELABEL_RUBBER_STAMPING)) {
        rubberStamping(w, ctx, s, acceptRates, goldMedian).ifPresent(flags::add);
      }
      if (enabled.contains(AnomalyCode.GOLD_FAILURE_SPIKE)) {
        goldFailureSpike(w, ctx, s).ifPresent(flags::add);
      }
    }
    return flags;
  }

  /**
   * TOO_FAST: median duration below the step's minimum, or below a fraction of the step's median
   * (HIGH at half).
   */
  public static Optional<Flag> tooFast(WorkerStats w, StepContext ctx, AnomalySettings s) {
    double median = w.medianDurationMs();
    if (w.answers() < s.minAnswers() || Double.isNaN(median)) {
      return Optional.empty();
    }
    long minimum = s.timing().minDurationFor(ctx.projectId(), ctx.step());
    double relative =
        Double.isNaN(ctx.medianDurationMs())
            ? 0
            : s.timing().tooFastFraction() * ctx.medianDurationMs();
    double threshold = Math.max(minimum, relative);
    if (!(median < threshold)) {
      return Optional.empty();
    }
    boolean belowMinimum = minimum > 0 && median < minimum;
    Severity severity = belowMinimum || median <= relative / 2 ? Severity.HIGH : Severity.MEDIUM;
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("median_duration_ms", round(median));
    e.put("step_median_duration_ms", round(ctx.medianDurationMs()));
    e.put("threshold_ms", round(threshold));
    e.put("min_duration_ms", minimum);
    e.put("times_faster_than_step", round(ctx.medianDurationMs() / Math.max(median, 1)));
    e.put("answers", w.answers());
    return Optional.of(
        flag(w, ctx, AnomalyCode.TOO_FAST, severity, threshold / Math.max(median, 1), e));
  }

  /** BURST: more submissions in one window than the step's pace allows. */
  public static Optional<Flag> burst(WorkerStats w, StepContext ctx, AnomalySettings s) {
    Bursts.Burst b = w.burst();
    double paced =
        Double.isNaN(ctx.medianDurationMs()) || ctx.medianDurationMs() <= 0
            ? 0
            : s.burst().factor() * s.burst().windowMs() / ctx.medianDurationMs();
    double threshold = Math.max(s.burst().minCount(), paced);
    if (b.count() < threshold) {
      return Optional.empty();
    }
    boolean impossibleWork = b.claimedMs() > 2 * s.burst().windowMs();
    Severity severity =
        b.count() >= 2 * threshold || impossibleWork ? Severity.HIGH : Severity.MEDIUM;
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("submissions", b.count());
    e.put("window_ms", s.burst().windowMs());
    e.put("window_start", java.time.Instant.ofEpochMilli(b.startMs()).toString());
    e.put("threshold", round(threshold));
    e.put("claimed_work_ms", b.claimedMs());
    e.put("step_median_duration_ms", round(ctx.medianDurationMs()));
    return Optional.of(flag(w, ctx, AnomalyCode.BURST, severity, b.count() / threshold, e));
  }

  /**
   * STRAIGHT_LINING: entropy far below the items' (HIGH), or an improbably long run of one label
   * (MEDIUM).
   */
  public static Optional<Flag> straightLining(WorkerStats w, StepContext ctx, AnomalySettings s) {
    if (w.answers() < s.minAnswers()) {
      return Optional.empty();
    }
    double[] reference = reference(w, ctx);
    double referenceEntropy = entropyBits(reference);
    double entropy = LabelStats.entropyBits(w.labelCounts());
    double ratio = referenceEntropy > 0 ? entropy / referenceEntropy : Double.NaN;
    boolean lowEntropy = ratio <= s.straightLining().entropyRatio();
    double runP = LabelStats.runTailProbability(w.answers(), w.longestRun(), reference);
    boolean longRun =
        w.longestRun() >= s.straightLining().minRun() && runP <= s.straightLining().runPValue();
    if (!lowEntropy && !longRun) {
      return Optional.empty();
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("entropy_bits", round(entropy));
    e.put("reference_entropy_bits", round(referenceEntropy));
    e.put("entropy_ratio", round(ratio));
    e.put("longest_run", w.longestRun());
    e.put("run_p_value", runP);
    e.put("answers", w.answers());
    e.put(
        "reference",
        w.consensusAnswers() > 0
            ? "consensus labels of the worker's items"
            : "the step's label mix");
    double score = lowEntropy ? 1 - ratio : -Math.log10(Math.max(runP, 1e-300)) / 10;
    return Optional.of(
        flag(
            w,
            ctx,
            AnomalyCode.STRAIGHT_LINING,
            lowEntropy ? Severity.HIGH : Severity.MEDIUM,
            score,
            e));
  }

  /**
   * LABEL_DISTRIBUTION_SHIFT: the mix differs significantly (chi-square) and substantially (KL);
   * MEDIUM at most.
   */
  public static Optional<Flag> labelShift(WorkerStats w, StepContext ctx, AnomalySettings s) {
    if (w.answers() < s.labelShift().minCount()) {
      return Optional.empty();
    }
    double[] reference = reference(w, ctx);
    LabelStats.ChiSquare chi =
        LabelStats.chiSquare(w.labelCounts(), reference, MIN_EXPECTED, SHARE_FLOOR);
    double kl = LabelStats.klDivergence(w.labelCounts(), reference, SHARE_FLOOR);
    if (!(chi.pValue() <= s.labelShift().pValue() && kl >= s.labelShift().minKl())) {
      return Optional.empty();
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("chi_square", round(chi.statistic()));
    e.put("degrees_of_freedom", chi.degreesOfFreedom());
    e.put("p_value", chi.pValue());
    e.put("kl_nats", round(kl));
    e.put("worker_mix", mix(ctx, LabelStats.shares(w.labelCounts())));
    e.put("reference_mix", mix(ctx, reference));
    e.put("answers", w.answers());
    Severity severity = kl >= 2 * s.labelShift().minKl() ? Severity.MEDIUM : Severity.LOW;
    return Optional.of(flag(w, ctx, AnomalyCode.LABEL_DISTRIBUTION_SHIFT, severity, kl, e));
  }

  /**
   * LOW_CONSENSUS_AGREEMENT: kappa with consensus near chance (HIGH) or robustly below peers
   * (MEDIUM). Good gold accuracy caps it at LOW (an expert right against a wrong crowd), and
   * worker_type expert at MEDIUM.
   */
  public static Optional<Flag> lowConsensusAgreement(
      WorkerStats w,
      StepContext ctx,
      AnomalySettings s,
      RobustStats.Location peers,
      double goldMedian) {
    if (w.consensusAnswers() < s.minAnswers()) {
      return Optional.empty();
    }
    double kappa = kappa(w);
    double z = peers.n() >= 3 ? peers.z(kappa, KAPPA_MIN_SCALE) : 0;
    boolean chance = kappa <= s.consensusAgreement().maxKappa();
    boolean belowPeers = z <= -s.robustZ();
    if (!chance && !belowPeers) {
      return Optional.empty();
    }
    Severity severity = chance ? Severity.HIGH : Severity.MEDIUM;
    String cap = null;
    if (goodOnGold(w, goldMedian)) {
      severity = severity.atMost(Severity.LOW);
      cap =
          "gold accuracy at least the step's median: disagrees with the crowd, not with the truth";
    } else if ("expert".equalsIgnoreCase(w.workerType())) {
      severity = severity.atMost(Severity.MEDIUM);
      cap = "worker_type expert";
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("agreement", round((double) w.consensusAgreed() / w.consensusAnswers()));
    e.put("chance_agreement", round(chanceAgreement(w)));
    e.put("kappa", round(kappa));
    e.put("peer_median_kappa", round(peers.median()));
    e.put("robust_z", round(z));
    e.put("answers_with_consensus", w.consensusAnswers());
    e.put("gold_accuracy", round(w.goldAccuracy()));
    e.put("gold_answers", w.goldAnswers());
    if (cap != null) {
      e.put("severity_capped", cap);
    }
    return Optional.of(
        flag(w, ctx, AnomalyCode.LOW_CONSENSUS_AGREEMENT, severity, peers.median() - kappa, e));
  }

  /**
   * PRELABEL_RUBBER_STAMPING: pre-labels the consensus rejects accepted at a high rate, far above
   * peers (HIGH when also fast). A worker whose gold accuracy is at least the step's median is
   * capped at LOW: where the crowd is wrong and the model right, agreeing with the model is right.
   */
  public static Optional<Flag> rubberStamping(
      WorkerStats w,
      StepContext ctx,
      AnomalySettings s,
      RobustStats.Location peers,
      double goldMedian) {
    if (w.wrongPrelabels() < s.rubberStamping().minWrongPrelabels()) {
      return Optional.empty();
    }
    double rate = acceptRate(w);
    double z = peers.n() >= 3 ? peers.z(rate, RATE_MIN_SCALE) : Double.POSITIVE_INFINITY;
    if (!(rate >= s.rubberStamping().minAcceptRate() && z >= s.robustZ())) {
      return Optional.empty();
    }
    boolean fast =
        !Double.isNaN(w.prelabelMedianDurationMs())
            && !Double.isNaN(ctx.medianDurationMs())
            && w.prelabelMedianDurationMs() <= ctx.medianDurationMs();
    Severity severity =
        fast && w.wrongPrelabels() >= 2L * s.rubberStamping().minWrongPrelabels()
            ? Severity.HIGH
            : Severity.MEDIUM;
    boolean excused = goodOnGold(w, goldMedian);
    if (excused) {
      severity = severity.atMost(Severity.LOW);
    }
    Map<String, Object> e = new LinkedHashMap<>();
    if (excused) {
      e.put("severity_capped", "gold accuracy at least the step's median");
    }
    e.put("wrong_prelabels", w.wrongPrelabels());
    e.put("wrong_prelabels_accepted", w.wrongPrelabelsAccepted());
    e.put("accept_rate", round(rate));
    e.put("peer_median_accept_rate", round(peers.median()));
    e.put("robust_z", round(z));
    e.put("prelabel_median_duration_ms", round(w.prelabelMedianDurationMs()));
    e.put("step_median_duration_ms", round(ctx.medianDurationMs()));
    return Optional.of(flag(w, ctx, AnomalyCode.PRELABEL_RUBBER_STAMPING, severity, rate, e));
  }

  /**
   * GOLD_FAILURE_SPIKE: recent gold accuracy at least min-drop below the worker's own history, and
   * the drop is significant on gold alone (z), or, gold being sparse by design, corroborated by an
   * equally large and significant drop of the same worker's agreement with consensus. HIGH when the
   * gold drop is significant at z + 1, or significant and corroborated.
   */
  public static Optional<Flag> goldFailureSpike(WorkerStats w, StepContext ctx, AnomalySettings s) {
    WorkerStats.GoldHistory g = w.goldHistory();
    if (g.historyAnswers() < s.goldSpike().minHistory()
        || g.recentAnswers() < s.goldSpike().minRecent()) {
      return Optional.empty();
    }
    double history = (double) g.historyCorrect() / g.historyAnswers();
    double recent = (double) g.recentCorrect() / g.recentAnswers();
    double z =
        Proportions.twoProportionZ(
            g.historyCorrect(), g.historyAnswers(), g.recentCorrect(), g.recentAnswers());
    double consensusHistory =
        g.historyConsensus() > 0 ? (double) g.historyAgreed() / g.historyConsensus() : Double.NaN;
    double consensusRecent =
        g.recentConsensus() > 0 ? (double) g.recentAgreed() / g.recentConsensus() : Double.NaN;
    double consensusZ =
        Proportions.twoProportionZ(
            g.historyAgreed(), g.historyConsensus(), g.recentAgreed(), g.recentConsensus());
    boolean goldSignificant = z >= s.goldSpike().z();
    boolean corroborated =
        consensusZ >= s.goldSpike().z()
            && consensusHistory - consensusRecent >= s.goldSpike().minDrop();
    if (!(history - recent >= s.goldSpike().minDrop() && (goldSignificant || corroborated))) {
      return Optional.empty();
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("history_accuracy", round(history));
    e.put("history_gold_answers", g.historyAnswers());
    e.put("recent_accuracy", round(recent));
    e.put("recent_gold_answers", g.recentAnswers());
    e.put("relative_change", round(Proportions.relativeChange(recent, history)));
    e.put("z", round(z));
    e.put("history_daily_accuracy_mean", round(g.dailyAccuracy().mean()));
    e.put("history_daily_accuracy_sd", round(g.dailyAccuracy().stddev()));
    e.put("history_days", g.dailyAccuracy().n());
    e.put("consensus_agreement_history", round(consensusHistory));
    e.put("consensus_agreement_recent", round(consensusRecent));
    e.put("consensus_z", round(consensusZ));
    Severity severity =
        z >= s.goldSpike().z() + 1 || (goldSignificant && corroborated)
            ? Severity.HIGH
            : Severity.MEDIUM;
    return Optional.of(flag(w, ctx, AnomalyCode.GOLD_FAILURE_SPIKE, severity, history - recent, e));
  }

  /** Co-answers of two workers by consensus class (label indices as in the step context). */
  public record PairStats(
      String workerA,
      String workerB,
      long[] sharedByClass,
      long[] agreedByClass,
      long[] wrongAgreedByClass)
      implements java.io.Serializable {}

  /**
   * COLLUSION flags of a step's pairs; {@code confusions} holds each worker's counts (consensus
   * class x given label).
   */
  public static List<Flag> collusion(
      List<PairStats> pairs, Map<String, long[][]> confusions, StepContext ctx, AnomalySettings s) {
    List<Flag> flags = new ArrayList<>();
    Map<String, double[][]> matrices = new java.util.HashMap<>();
    for (PairStats p : pairs) {
      long shared = java.util.Arrays.stream(p.sharedByClass()).sum();
      if (shared < s.collusion().minShared()) {
        continue;
      }
      double[][] a = matrices.computeIfAbsent(p.workerA(), w -> matrix(confusions, w, ctx, s));
      double[][] b = matrices.computeIfAbsent(p.workerB(), w -> matrix(confusions, w, ctx, s));
      Collusion.PairScore score =
          Collusion.score(p.sharedByClass(), p.agreedByClass(), p.wrongAgreedByClass(), a, b);
      if (!(score.excess() >= s.collusion().minExcess() && score.z() >= s.collusion().z())) {
        continue;
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("worker_a", p.workerA().compareTo(p.workerB()) <= 0 ? p.workerA() : p.workerB());
      e.put("worker_b", p.workerA().compareTo(p.workerB()) <= 0 ? p.workerB() : p.workerA());
      e.put("shared_items", score.shared());
      e.put("agreed", score.agreed());
      e.put("expected_agreed", round(score.expectedAgreed()));
      e.put("agreed_against_consensus", score.wrongAgreed());
      e.put("expected_agreed_against_consensus", round(score.expectedWrongAgreed()));
      e.put("excess", round(score.excess()));
      e.put("z", round(score.z()));
      Severity severity = score.excess() >= 0.8 ? Severity.HIGH : Severity.MEDIUM;
      flags.add(
          new Flag(
              EntityType.pairId(p.workerA(), p.workerB()),
              ctx.projectId(),
              ctx.step(),
              AnomalyCode.COLLUSION,
              severity,
              score.excess(),
              e));
    }
    return flags;
  }

  private static double[][] matrix(
      Map<String, long[][]> confusions, String worker, StepContext ctx, AnomalySettings s) {
    int k = ctx.labels().size();
    return Collusion.confusion(
        confusions.getOrDefault(worker, new long[k][k]), s.collusion().smoothing());
  }

  /** Enough gold answers, at least as accurate as the step's median worker. */
  static boolean goodOnGold(WorkerStats w, double goldMedian) {
    return w.goldAnswers() >= MIN_GOLD_FOR_EXCUSE
        && !Double.isNaN(goldMedian)
        && w.goldAccuracy() >= goldMedian;
  }

  /** Chance-corrected agreement with consensus against the worker's own label mix (Cohen-style). */
  static double kappa(WorkerStats w) {
    return Proportions.excessOverChance(
        (double) w.consensusAgreed() / w.consensusAnswers(), chanceAgreement(w));
  }

  /** Agreement a worker answering at random with their own label mix would reach on these items. */
  static double chanceAgreement(WorkerStats w) {
    double[] p = LabelStats.shares(w.labelCounts());
    double[] q = LabelStats.shares(w.itemConsensusCounts());
    double pe = 0;
    for (int k = 0; k < p.length; k++) {
      pe += p[k] * q[k];
    }
    return pe;
  }

  static double acceptRate(WorkerStats w) {
    return (double) w.wrongPrelabelsAccepted() / w.wrongPrelabels();
  }

  /** The label mix the worker's items call for: their consensus labels, else the step's mix. */
  static double[] reference(WorkerStats w, StepContext ctx) {
    long consensus = java.util.Arrays.stream(w.itemConsensusCounts()).sum();
    return consensus > 0 ? LabelStats.shares(w.itemConsensusCounts()) : ctx.labelShares();
  }

  static double entropyBits(double[] shares) {
    double h = 0;
    for (double p : shares) {
      if (p > 0) {
        h -= p * Math.log(p) / Math.log(2);
      }
    }
    return Math.max(0, h);
  }

  private static Map<String, Double> mix(StepContext ctx, double[] shares) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int k = 0; k < shares.length; k++) {
      m.put(ctx.labels().get(k), round(shares[k]));
    }
    return m;
  }

  private static Flag flag(
      WorkerStats w,
      StepContext ctx,
      AnomalyCode code,
      Severity severity,
      double score,
      Map<String, Object> e) {
    return new Flag(w.workerId(), ctx.projectId(), ctx.step(), code, severity, score, e);
  }

  /** Four decimals for evidence; null for NaN (JSON has no NaN). */
  static Double round(double x) {
    return Double.isNaN(x) || Double.isInfinite(x) ? null : Math.round(x * 10_000) / 10_000.0;
  }
}
