package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-coin Dawid-Skene: each worker has one skill, the probability of the true label; wrong labels
 * are equally likely. Fewer parameters than full Dawid-Skene, so steadier on sparse workers.
 *
 * <p>Dawid-Skene with the "one-coin" restriction as in Zhang, Chen, Zhou and Jordan, "Spectral
 * Methods Meet EM: A Provably Optimal Algorithm for Crowdsourcing", NIPS 2014 (JMLR 17, 2016).
 * Log-space E-steps, gold clamping and smoothing as in {@link DawidSkene}.
 */
public final class OneCoinDawidSkene implements Aggregator {
  /**
   * @param maxIterations EM iterations at most (default 100)
   * @param tolerance stop when the mean log-likelihood per item changes less (default 1e-5)
   * @param smoothing pseudo-count for priors and skills (default 0.01)
   */
  public record Settings(int maxIterations, double tolerance, double smoothing)
      implements java.io.Serializable {
    public Settings {
      Checks.iterations(maxIterations, tolerance, smoothing);
    }

    public static Settings defaults() {
      return new Settings(100, 1e-5, 0.01);
    }
  }

  private final Settings settings;

  public OneCoinDawidSkene(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "ocds";
  }

  @Override
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("max_iterations", Integer.toString(settings.maxIterations()));
    p.put("tolerance", Double.toString(settings.tolerance()));
    p.put("smoothing", Double.toString(settings.smoothing()));
    return p;
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new OneCoinProgram(workers, classes, settings);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
