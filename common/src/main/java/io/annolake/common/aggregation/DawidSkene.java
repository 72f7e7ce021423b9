package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dawid-Skene: each worker has a full confusion matrix (probability of each given label for each
 * true label), classes have priors, and EM alternates posteriors over true labels (E) with
 * confusion and prior estimates (M).
 *
 * <p>A.P. Dawid and A.M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the
 * EM Algorithm", Journal of the Royal Statistical Society C 28(1), 1979.
 *
 * <p>E-steps run in log space (an item with thousands of answers never underflows); gold answers
 * are clamped as known truth in every E-step; an additive pseudo-count ({@code smoothing}) in every
 * confusion cell and prior keeps unseen cells away from zero probability. Defaults follow
 * Crowd-Kit: start from majority-vote posteriors, at most 100 iterations, tolerance 1e-5 on the
 * mean log-likelihood per item.
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
   * @param smoothing pseudo-count added to every confusion cell and prior (default 0.01)
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
    return AggregationModel.fitLocal(name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
