package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GLAD (Generative model of Labels, Abilities, and Difficulties): a worker with ability alpha
 * answers an item with inverse difficulty beta correctly with probability sigmoid(alpha * beta);
 * wrong labels are equally likely. EM: posteriors over true labels (E), then Gaussian-prior MAP
 * estimates of abilities and log inverse difficulties by Fisher-scoring steps (M). Class priors
 * stay uniform by default, as in the paper and Crowd-Kit.
 *
 * <p>J. Whitehill, P. Ruvolo, T. Wu, J. Bergsma and J. Movellan, "Whose Vote Should Count More:
 * Optimal Integration of Labels from Labelers of Unknown Expertise", NIPS 2009.
 *
 * <p>Item difficulties are re-estimated inside each item's E-step rather than stored between passes
 * (see {@link GladProgram}), so GLAD runs on item blocks like the other methods, on one machine or
 * in Spark; on the four shared real datasets this gives the same labels as storing them.
 *
 * <p>EM runs to convergence of the fitted model. Crowd-Kit stops earlier (its test compares a
 * per-row penalized Q against 1e-5, about 10 iterations on D_Product), which is why its published
 * D_Product figure (0.9287) sits above this model's optimum under either difficulty prior (0.9275
 * with mean 0, 0.9283 with its mean 1); see RealDatasetAccuracyTest.
 */
public final class Glad implements Aggregator {
  /**
   * @param maxIterations EM iterations at most (default 100)
   * @param tolerance stop when the mean log-likelihood per item changes less (default 1e-5)
   * @param itemRounds posterior / difficulty alternations per item and pass (default 5)
   * @param alphaPriorMean mean of the N(m, 1) prior on abilities (default 1)
   * @param logBetaPriorMean mean of the N(m, 1) prior on log inverse difficulties (default 0)
   * @param smoothing pseudo-count for estimated priors (default 0.01)
   * @param priors uniform class priors (the paper's and Crowd-Kit's default) or estimated ones
   */
  public record Settings(
      int maxIterations,
      double tolerance,
      int itemRounds,
      double alphaPriorMean,
      double logBetaPriorMean,
      double smoothing,
      ClassPriors priors)
      implements java.io.Serializable {
    public Settings {
      Checks.iterations(maxIterations, tolerance, smoothing);
      Checks.argument(itemRounds > 0, "Cannot fit: item rounds must be > 0, got", itemRounds);
      Checks.argument(priors != null, "Cannot fit: class priors are required, got", priors);
    }

    public static Settings defaults() {
      return new Settings(100, 1e-5, 5, 1, 0, 0.01, ClassPriors.UNIFORM);
    }
  }

  private final Settings settings;

  public Glad(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "glad";
  }

  @Override
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("max_iterations", Integer.toString(settings.maxIterations()));
    p.put("tolerance", Double.toString(settings.tolerance()));
    p.put("item_rounds", Integer.toString(settings.itemRounds()));
    p.put("alpha_prior_mean", Double.toString(settings.alphaPriorMean()));
    p.put("log_beta_prior_mean", Double.toString(settings.logBetaPriorMean()));
    p.put("smoothing", Double.toString(settings.smoothing()));
    p.put("priors", settings.priors().name());
    return p;
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }

  /** E-step with log priors at state[0..k) and abilities at state[offset..offset+W). */
  static double eStep(
      ItemBlock b,
      int i,
      double[] state,
      int offset,
      int workers,
      double logBeta,
      int k,
      double[] out) {
    double beta = Math.exp(logBeta);
    double base = 0;
    System.arraycopy(state, 0, out, 0, k);
    for (int a = b.start(i); a < b.end(i); a++) {
      double x = state[offset + b.worker(a)] * beta;
      double right = logSigmoid(x);
      double wrong = k > 1 ? logSigmoid(-x) - Math.log(k - 1) : 0;
      base += wrong;
      out[b.label(a)] += right - wrong;
    }
    for (int c = 0; c < k; c++) {
      out[c] += base;
    }
    double logLikelihood = Posteriors.normalizeLog(out);
    Posteriors.clampGold(b, i, out);
    return logLikelihood;
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new GladProgram(workers, classes, settings);
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  static double logSigmoid(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }
}
