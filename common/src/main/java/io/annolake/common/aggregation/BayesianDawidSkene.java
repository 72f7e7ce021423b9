package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bayesian Dawid-Skene (independent Bayesian classifier combination): Dawid-Skene's confusion
 * matrices and class priors with Dirichlet priors, fitted by variational Bayes, so a worker seen a
 * few times is judged by the prior plus their few answers instead of by a degenerate point
 * estimate.
 *
 * <p>H.-C. Kim and Z. Ghahramani, "Bayesian Classifier Combination", AISTATS 2012 (the independent
 * model, IBCC); the variational scheme as in E. Simpson et al., "Dynamic Bayesian Combination of
 * Multiple Imperfect Classifiers", 2013. Each confusion row t of every worker has the prior
 * Dirichlet(s p0 on the diagonal, s (1 - p0) / (K - 1) elsewhere): worth {@code s} answers that say
 * "right with probability p0, wrong labels alike". The class priors have a symmetric
 * Dirichlet({@code classPrior}). The E-step weighs an answer by exp(E[log confusion]) (digamma of
 * the posterior counts), which for a sparse worker stays close to the prior's weight and for a busy
 * worker approaches Dawid-Skene's estimate. Starts from majority-vote posteriors like the other EM
 * methods; gold answers are clamped.
 *
 * <pre>{@code
 * AggregationModel m = new BayesianDawidSkene(BayesianDawidSkene.Settings.defaults()).fit(answers);
 * m.labels(); m.confusion("w1"); // posterior-mean confusion
 * }</pre>
 */
public final class BayesianDawidSkene implements Aggregator {
  /**
   * @param maxIterations iterations at most (default 100)
   * @param tolerance stop when the mean log normaliser per item changes less (default 1e-5)
   * @param accuracy prior mean of the diagonal of every confusion row, in (1/K, 1) for a prior
   *     better than chance (default 0.7)
   * @param strength prior weight of a confusion row in answers (default 2: two pseudo-answers, so
   *     three real answers of a class already outweigh it)
   * @param classPrior symmetric Dirichlet concentration of the class priors (default 1, uniform)
   */
  public record Settings(
      int maxIterations, double tolerance, double accuracy, double strength, double classPrior)
      implements java.io.Serializable {
    public Settings {
      Checks.iterations(maxIterations, tolerance, 1);
      Checks.argument(
          accuracy > 0 && accuracy < 1,
          "Cannot fit: prior accuracy must be in (0, 1), got",
          accuracy);
      Checks.argument(strength > 0, "Cannot fit: prior strength must be > 0, got", strength);
      Checks.argument(
          classPrior > 0, "Cannot fit: class prior concentration must be > 0, got", classPrior);
    }

    public static Settings defaults() {
      return new Settings(100, 1e-5, 0.7, 2, 1);
    }
  }

  private final Settings settings;

  public BayesianDawidSkene(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "bds";
  }

  @Override
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("max_iterations", Integer.toString(settings.maxIterations()));
    p.put("tolerance", Double.toString(settings.tolerance()));
    p.put("prior_accuracy", Double.toString(settings.accuracy()));
    p.put("prior_strength", Double.toString(settings.strength()));
    p.put("class_prior", Double.toString(settings.classPrior()));
    return p;
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new BayesianDawidSkeneProgram(workers, classes, settings);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
