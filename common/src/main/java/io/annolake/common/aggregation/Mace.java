package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MACE (Multi-Annotator Competence Estimation): each worker is competent with probability theta and
 * then gives the true label; otherwise they spam from a personal label distribution (their strategy
 * xi). Good at spotting spammers who always pick the same label.
 *
 * <p>D. Hovy, T. Berg-Kirkpatrick, A. Vaswani and E. Hovy, "Learning Whom to Trust with MACE",
 * NAACL-HLT 2013. Both of the paper's training schemes are here, started from majority-vote
 * posteriors instead of random restarts (deterministic). EM is the default: on the four shared real
 * datasets VB with the paper's priors is 1 to 9 items per thousand less accurate (it pulls the
 * strategies of biased spammers toward uniform), see README.
 *
 * <ul>
 *   <li>{@link Inference#VARIATIONAL_BAYES} (the paper's recommended scheme): theta has a
 *       Beta(alpha, beta) prior and each strategy a symmetric Dirichlet({@code strategyPrior})
 *       prior; the M-step keeps the posterior counts and the E-step weighs answers by exp(E[log
 *       theta]), exp(E[log(1 - theta)]) and exp(E[log xi]) (digamma). A worker seen a few times
 *       stays close to the prior instead of being declared perfect or a pure spammer, which is what
 *       makes MACE robust on sparse crowds.
 *   <li>{@link Inference#EM} (default): point estimates; theta with the Beta pseudo-counts added,
 *       strategies with an additive {@code smoothing}.
 * </ul>
 */
public final class Mace implements Aggregator {
  /** How the worker parameters are estimated. */
  public enum Inference {
    /** Variational Bayes with Beta / Dirichlet priors (the paper's recommendation). */
    VARIATIONAL_BAYES,
    /** Expectation-maximization with smoothed point estimates. */
    EM
  }

  /**
   * @param maxIterations iterations at most (default 100)
   * @param tolerance stop when the mean log-likelihood per item changes less (default 1e-5)
   * @param alpha Beta prior (pseudo-count) of truthful answers per worker (default 0.5, the
   *     paper's)
   * @param beta Beta prior (pseudo-count) of spam answers per worker (default 0.5, the paper's)
   * @param smoothing EM: pseudo-count per label in the spam strategies; both: in estimated priors
   *     (default 0.01)
   * @param priors uniform class priors (the paper's), estimated ones, or estimated where the data
   *     support them over uniform (default SUPPORTED, docs/ACCURACY.md)
   * @param inference EM (default) or variational Bayes
   * @param strategyPrior VB: symmetric Dirichlet concentration of the spam strategies (default 10,
   *     the paper's)
   */
  public record Settings(
      int maxIterations,
      double tolerance,
      double alpha,
      double beta,
      double smoothing,
      ClassPriors priors,
      Inference inference,
      double strategyPrior)
      implements java.io.Serializable {
    public Settings {
      Checks.iterations(maxIterations, tolerance, smoothing);
      Checks.argument(priors != null, "Cannot fit: class priors are required, got", priors);
      Checks.argument(inference != null, "Cannot fit: MACE inference is required, got", inference);
      Checks.argument(
          alpha > 0 && beta > 0,
          "Cannot fit: alpha and beta must be > 0, got",
          alpha + ", " + beta);
      Checks.argument(
          strategyPrior > 0, "Cannot fit: strategy prior must be > 0, got", strategyPrior);
    }

    public static Settings defaults() {
      return new Settings(100, 1e-5, 0.5, 0.5, 0.01, ClassPriors.SUPPORTED, Inference.EM, 10);
    }

    /** The same settings with another inference scheme. */
    public Settings withInference(Inference other) {
      return new Settings(
          maxIterations, tolerance, alpha, beta, smoothing, priors, other, strategyPrior);
    }
  }

  private final Settings settings;

  public Mace(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "mace";
  }

  @Override
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("max_iterations", Integer.toString(settings.maxIterations()));
    p.put("tolerance", Double.toString(settings.tolerance()));
    p.put("alpha", Double.toString(settings.alpha()));
    p.put("beta", Double.toString(settings.beta()));
    p.put("smoothing", Double.toString(settings.smoothing()));
    p.put("priors", settings.priors().name());
    p.put("inference", settings.inference().name());
    if (settings.inference() == Inference.VARIATIONAL_BAYES) {
      p.put("strategy_prior", Double.toString(settings.strategyPrior()));
    }
    return p;
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new MaceProgram(workers, classes, settings);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
