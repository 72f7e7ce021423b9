package io.annolake.common.aggregation;

import java.util.List;

/** The aggregators by CLI name, each with its default settings. */
public final class Aggregators {
  /** Every method, in the order compare-methods reports them. */
  public static final List<String> NAMES =
      List.of("mv", "wmv", "wawa", "ds", "ocds", "glad", "mace", "bds");

  private Aggregators() {}

  public static Aggregator byName(String name) {
    return create(name, 100, 1e-5, 0.01);
  }

  /** An aggregator with the shared EM settings (ignored by the one-pass votes). */
  public static Aggregator create(
      String name, int maxIterations, double tolerance, double smoothing) {
    return create(name, maxIterations, tolerance, smoothing, Mace.Settings.defaults().inference());
  }

  /** As {@link #create(String, int, double, double)}, with MACE's inference scheme. */
  public static Aggregator create(
      String name,
      int maxIterations,
      double tolerance,
      double smoothing,
      Mace.Inference maceInference) {
    return switch (name) {
      case "mv" -> new MajorityVote();
      case "wmv" -> new WeightedMajorityVote();
      case "wawa" -> new Wawa();
      case "ds" ->
          new DawidSkene(
              new DawidSkene.Settings(
                  maxIterations, tolerance, smoothing, DawidSkene.Init.MAJORITY_VOTE));
      case "ocds" ->
          new OneCoinDawidSkene(
              new OneCoinDawidSkene.Settings(maxIterations, tolerance, smoothing));
      case "glad" -> {
        Glad.Settings d = Glad.Settings.defaults();
        yield new Glad(
            new Glad.Settings(
                maxIterations,
                tolerance,
                d.itemRounds(),
                d.alphaPriorMean(),
                d.logBetaPriorMean(),
                smoothing,
                d.priors()));
      }
      case "mace" -> {
        Mace.Settings d = Mace.Settings.defaults();
        yield new Mace(
            new Mace.Settings(
                maxIterations,
                tolerance,
                d.alpha(),
                d.beta(),
                smoothing,
                d.priors(),
                maceInference,
                d.strategyPrior()));
      }
      case "bds" -> {
        BayesianDawidSkene.Settings d = BayesianDawidSkene.Settings.defaults();
        yield new BayesianDawidSkene(
            new BayesianDawidSkene.Settings(
                maxIterations, tolerance, d.accuracy(), d.strength(), d.classPrior()));
      }
      default ->
          throw new IllegalArgumentException(
              "Invalid value '" + name + "' for option '--method': expected one of " + NAMES);
    };
  }
}
