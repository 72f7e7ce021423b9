package io.annolake.common.consensus;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.aggregation.Mace;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consensus job's settings, read and validated up front from {@code annolake.consensus}.
 *
 * @param method aggregator name (mv, wmv, wawa, ds, ocds, glad, mace, bds) or {@code auto}
 * @param minAnnotators default minimum answers per item (a project's label schema overrides it)
 * @param acceptThreshold default top posterior to accept (a label schema overrides it)
 * @param maxIterations EM iterations at most
 * @param tolerance EM convergence tolerance
 * @param smoothing pseudo-count of the EM methods
 * @param partitions partitions of the cached answer blocks (0: the shuffle partitions)
 * @param maceInference MACE's training scheme: {@code em} or {@code vb} (variational Bayes)
 * @param lowQualityAccuracy an escalated item whose every answer comes from workers the model rates
 *     below this expected accuracy is escalated as ONLY_LOW_QUALITY_WORKERS
 * @param autoFallback under auto: the method of a project and step with too little gold
 * @param autoMinGold under auto: gold items a project and step needs for the choice
 * @param decisionPolicy default decision policy (votes or posterior)
 * @param decisionPolicyOverrides policy per "project" or "project/step" (a label schema's
 *     decision_policy wins over both)
 * @param majorityShare votes policy: MAJORITY needs the top label to hold more than this share
 * @param excludeFlags anomaly flags (code, lowest severity) whose answers are left out of the fit
 */
public record ConsensusSettings(
    String method,
    int minAnnotators,
    double acceptThreshold,
    int maxIterations,
    double tolerance,
    double smoothing,
    int partitions,
    String maceInference,
    double lowQualityAccuracy,
    String autoFallback,
    int autoMinGold,
    DecisionPolicy decisionPolicy,
    Map<String, DecisionPolicy> decisionPolicyOverrides,
    double majorityShare,
    java.util.List<FlagExclusions.Rule> excludeFlags) {
  /** The method that picks a method per project and step by its own gold. */
  public static final String AUTO = "auto";

  /** Every value of {@code method}: the aggregators and auto. */
  public static final java.util.List<String> METHODS =
      java.util.stream.Stream.concat(Aggregators.NAMES.stream(), java.util.stream.Stream.of(AUTO))
          .toList();

  private static final String P = "annolake.consensus.";
  private static final Map<String, Mace.Inference> MACE_INFERENCE =
      Map.of("em", Mace.Inference.EM, "vb", Mace.Inference.VARIATIONAL_BAYES);

  public ConsensusSettings {
    decisionPolicyOverrides = Map.copyOf(decisionPolicyOverrides);
    excludeFlags = java.util.List.copyOf(excludeFlags);
  }

  public static ConsensusSettings from(AnnolakeConfig config) {
    Map<String, DecisionPolicy> overrides = new TreeMap<>();
    config
        .stringMap(P + "decision-policy-overrides")
        .forEach(
            (k, v) ->
                overrides.put(
                    k, DecisionPolicy.parse(v, P + "decision-policy-overrides.\"" + k + "\"")));
    ConsensusSettings s =
        new ConsensusSettings(
            config.string(P + "method"),
            config.integer(P + "min-annotators"),
            config.number(P + "accept-threshold"),
            config.integer(P + "max-iterations"),
            config.number(P + "tolerance"),
            config.number(P + "smoothing"),
            config.integer(P + "partitions"),
            config.string(P + "mace-inference"),
            config.number(P + "low-quality-accuracy"),
            config.string(P + "auto-fallback"),
            config.integer(P + "auto-min-gold"),
            DecisionPolicy.parse(config.string(P + "decision-policy"), P + "decision-policy"),
            overrides,
            config.number(P + "majority-share"),
            FlagExclusions.parse(config.stringList(P + "exclude-flags"), P + "exclude-flags"));
    s.validate();
    return s;
  }

  private void validate() {
    AnnolakeConfig.require(
        METHODS.contains(method), P + "method", method, "expected one of " + METHODS);
    AnnolakeConfig.require(
        Aggregators.NAMES.contains(autoFallback),
        P + "auto-fallback",
        autoFallback,
        "expected one of " + Aggregators.NAMES);
    AnnolakeConfig.require(autoMinGold >= 1, P + "auto-min-gold", autoMinGold, "must be >= 1");
    AnnolakeConfig.require(minAnnotators >= 1, P + "min-annotators", minAnnotators, "must be >= 1");
    AnnolakeConfig.require(
        acceptThreshold > 0 && acceptThreshold <= 1,
        P + "accept-threshold",
        acceptThreshold,
        "must be in (0, 1]");
    AnnolakeConfig.require(maxIterations >= 1, P + "max-iterations", maxIterations, "must be >= 1");
    AnnolakeConfig.require(tolerance >= 0, P + "tolerance", tolerance, "must be >= 0");
    AnnolakeConfig.require(
        smoothing > 0, P + "smoothing", smoothing, "must be > 0 (0 gives log(0) for unseen cells)");
    AnnolakeConfig.require(partitions >= 0, P + "partitions", partitions, "must be >= 0");
    AnnolakeConfig.require(
        MACE_INFERENCE.containsKey(maceInference),
        P + "mace-inference",
        maceInference,
        "expected one of " + MACE_INFERENCE.keySet());
    AnnolakeConfig.require(
        lowQualityAccuracy >= 0 && lowQualityAccuracy <= 1,
        P + "low-quality-accuracy",
        lowQualityAccuracy,
        "must be in [0, 1]");
    AnnolakeConfig.require(
        majorityShare >= 0.5 && majorityShare < 1,
        P + "majority-share",
        majorityShare,
        "must be in [0.5, 1) (below 0.5 two labels could both hold a majority)");
  }

  /**
   * Same settings under another default decision policy (the overrides and label schemas still
   * win).
   */
  public ConsensusSettings withDecisionPolicy(DecisionPolicy p) {
    return new ConsensusSettings(
        method,
        minAnnotators,
        acceptThreshold,
        maxIterations,
        tolerance,
        smoothing,
        partitions,
        maceInference,
        lowQualityAccuracy,
        autoFallback,
        autoMinGold,
        p,
        decisionPolicyOverrides,
        majorityShare,
        excludeFlags);
  }

  /**
   * The policy of a project and step: the label schema's decision_policy (its latest guideline
   * version), else the project/step override, else the project override, else the default.
   *
   * @param fromSchema the schema's value, or null
   */
  public DecisionPolicy policyFor(String project, String step, String fromSchema) {
    if (fromSchema != null) {
      return DecisionPolicy.parse(
          fromSchema, "label_schemas.decision_policy of " + project + "/" + step);
    }
    DecisionPolicy exact = decisionPolicyOverrides.get(project + "/" + step);
    return exact != null ? exact : decisionPolicyOverrides.getOrDefault(project, decisionPolicy);
  }

  public boolean auto() {
    return AUTO.equals(method);
  }

  /** The configured aggregator (under auto: the fallback). */
  public Aggregator aggregator() {
    return aggregator(auto() ? autoFallback : method);
  }

  /** Every aggregator, with these settings: auto's candidates. */
  public java.util.List<Aggregator> candidates() {
    return Aggregators.NAMES.stream().map(this::aggregator).toList();
  }

  public Aggregator aggregator(String name) {
    try {
      return Aggregators.create(
          name, maxIterations, tolerance, smoothing, MACE_INFERENCE.get(maceInference));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }
}
