package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MACE (Multi-Annotator Competence Estimation): each worker is competent with probability theta
 * and then gives the true label; otherwise they spam from a personal label distribution. Good at
 * spotting spammers who always pick the same label.
 *
 * <p>D. Hovy, T. Berg-Kirkpatrick, A. Vaswani and E. Hovy, "Learning Whom to Trust with MACE",
 * NAACL-HLT 2013. This is the paper's EM variant, started from majority-vote posteriors instead
 * of random restarts (deterministic); theta has a Beta(alpha, beta) pseudo-count and the spam
 * strategies an additive {@code smoothing}.
 */
public final class Mace implements Aggregator {
  /**
   * @param maxIterations EM iterations at most (default 100)
   * @param tolerance stop when the mean log-likelihood per item changes less (default 1e-5)
   * @param alpha pseudo-count of truthful answers per worker (default 0.5)
   * @param beta pseudo-count of spam answers per worker (default 0.5)
   * @param smoothing pseudo-count per label in spam strategies and priors (default 0.01)
   * @param priors uniform class priors (the paper's) or estimated ones (default estimated)
   */
  public record Settings(
      int maxIterations, double tolerance, double alpha, double beta, double smoothing, ClassPriors priors)
      implements java.io.Serializable {
    public Settings {
      Checks.iterations(maxIterations, tolerance, smoothing);
      Checks.argument(priors != null, "Cannot fit: class priors are required, got", priors);
      Checks.argument(alpha > 0 && beta > 0, "Cannot fit: alpha and beta must be > 0, got", alpha + ", " + beta);
    }

    public static Settings defaults() {
      return new Settings(100, 1e-5, 0.5, 0.5, 0.01, ClassPriors.ESTIMATED);
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
    return p;
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new MaceProgram(workers, classes, settings);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
