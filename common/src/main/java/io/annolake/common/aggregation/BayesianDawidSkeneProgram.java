package io.annolake.common.aggregation;

import org.apache.commons.math3.special.Gamma;

/**
 * Bayesian Dawid-Skene's variational passes over item blocks. Statistics as Dawid-Skene's: expected
 * class counts, then expected confusion counts (W x K x K). State: E[log prior] (K), E[log
 * confusion] (W x K x K), then the posterior means of the priors (K) and confusions (W x K x K) for
 * {@link #parameters}. The loss is the mean log normaliser of the item posteriors.
 */
final class BayesianDawidSkeneProgram extends ConfusionProgram {
  private static final long serialVersionUID = 1L;

  private final BayesianDawidSkene.Settings settings;

  BayesianDawidSkeneProgram(int workers, int classes, BayesianDawidSkene.Settings settings) {
    super(workers, classes, settings.maxIterations(), settings.tolerance());
    this.settings = settings;
  }

  private int cells() {
    return workers * k * k;
  }

  @Override
  public int statsSize() {
    return HEAD + k + cells();
  }

  /** Prior pseudo-count of confusion cell (true t, given l). */
  double alpha(int t, int l) {
    if (k == 1) {
      return settings.strength();
    }
    return t == l
        ? settings.strength() * settings.accuracy()
        : settings.strength() * (1 - settings.accuracy()) / (k - 1);
  }

  /**
   * q(priors) and q(confusion rows) are Dirichlet(prior + expected counts); keeps their digamma
   * expectations and means.
   */
  @Override
  public double[] update(double[] stats) {
    double[] state = new double[2 * (k + cells())];
    int means = k + cells();
    double c = settings.classPrior();
    double items = 0;
    for (int t = 0; t < k; t++) {
      items += stats[HEAD + t];
    }
    double total = Gamma.digamma(items + k * c);
    for (int t = 0; t < k; t++) {
      state[t] = Gamma.digamma(stats[HEAD + t] + c) - total;
      state[means + t] = (stats[HEAD + t] + c) / (items + k * c);
    }
    for (int row = 0; row < workers * k; row++) {
      int t = row % k;
      int from = HEAD + k + row * k;
      double sum = 0;
      for (int l = 0; l < k; l++) {
        sum += stats[from + l] + alpha(t, l);
      }
      double digammaSum = Gamma.digamma(sum);
      for (int l = 0; l < k; l++) {
        double count = stats[from + l] + alpha(t, l);
        state[k + row * k + l] = Gamma.digamma(count) - digammaSum;
        state[means + k + row * k + l] = count / sum;
      }
    }
    return state;
  }

  @Override
  public void posterior(double[] state, ItemBlock block, int item, double[] out) {
    if (state == null) {
      Posteriors.votes(block, item, null, out);
      Posteriors.clampGold(block, item, out);
    } else {
      eStep(state, block, item, out);
    }
  }

  @Override
  public Parameters parameters(double[] state, int workerCount) {
    int means = k + cells();
    double[] priors = new double[k];
    System.arraycopy(state, means, priors, 0, k);
    double[][] confusion = new double[workers][k * k];
    double[] skills = new double[workers];
    for (int j = 0; j < workers; j++) {
      System.arraycopy(state, means + k + j * k * k, confusion[j], 0, k * k);
      for (int t = 0; t < k; t++) {
        skills[j] += priors[t] * confusion[j][t * k + t];
      }
    }
    return new Parameters(priors, confusion, skills);
  }
}
