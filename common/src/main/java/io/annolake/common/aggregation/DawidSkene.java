package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dawid-Skene: each worker has a full confusion matrix (probability of each given label for each
 * true label), classes have priors, and EM alternates posteriors over true labels (E) with
 * confusion and prior estimates (M).
 *
 * <p>A.P. Dawid and A.M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the EM
 * Algorithm", Journal of the Royal Statistical Society C 28(1), 1979.
 *
 * <p>E-steps run in log space (an item with thousands of answers never underflows); gold answers
 * are clamped as known truth in every E-step. Confusion rows are the maximum-likelihood estimate (a
 * floor of 1e-10 per cell only keeps log(0) away); {@code smoothing} is a pseudo-count on the class
 * priors alone. A pseudo-count in the confusion cells is a Dirichlet(1 + smoothing) prior in
 * disguise whose weight depends on how much posterior mass the worker's row has: for a worker with
 * a handful of answers, the rows of the classes they barely saw fall to uniform while the row of
 * the class they answered stays sharp, so each of their answers counts as strong evidence (with 4
 * classes and 0.01, a one-answer worker's vote was worth a likelihood ratio near 1.6; up to K as
 * the rows empty). Under maximum likelihood the same worker is neutral: every row with any mass
 * puts all of it on the one label they gave. Prior beliefs about workers belong in a proper prior,
 * applied consistently: {@link BayesianDawidSkene}. Defaults follow Crowd-Kit: start from
 * majority-vote posteriors, at most 100 iterations, tolerance 1e-5 on the mean log-likelihood per
 * item.
 *
 * <pre>{@code
 * AggregationModel m = new DawidSkene(DawidSkene.Settings.defaults()).fit(answers);
 * m.labels(); m.probas(); m.confusion("w1"); m.lossHistory();
 * }</pre>
 */
public final class DawidSkene implements Aggregator {
  /** Where EM starts. */
  public enum Init {
    /** M-step on majority-vote posteriors first (Crowd-Kit's start). */
    MAJORITY_VOTE,
    /** Identity confusion matrices and uniform priors: the first E-step is a majority vote. */
    IDENTITY
  }

  /**
   * @param maxIterations EM iterations at most (default 100)
   * @param tolerance stop when the mean log-likelihood per item changes less (default 1e-5)
   * @param smoothing pseudo-count added to each class prior (default 0.01; confusion rows take
   *     none)
   * @param init where EM starts (default majority vote)
   */
  public record Settings(int maxIterations, double tolerance, double smoothing, Init init)
      implements java.io.Serializable {
    public Settings {
      Checks.iterations(maxIterations, tolerance, smoothing);
      Checks.argument(init != null, "Cannot fit: init is required, got", init);
    }

    public static Settings defaults() {
      return new Settings(100, 1e-5, 0.01, Init.MAJORITY_VOTE);
    }
  }

  private final Settings settings;

  public DawidSkene(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "ds";
  }

  @Override
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("max_iterations", Integer.toString(settings.maxIterations()));
    p.put("tolerance", Double.toString(settings.tolerance()));
    p.put("smoothing", Double.toString(settings.smoothing()));
    p.put("init", settings.init().name());
    return p;
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new DawidSkeneProgram(workers, classes, settings);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
