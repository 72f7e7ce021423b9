package io.annolake.common.aggregation;

import java.util.Arrays;

/**
 * Dawid-Skene EM over item blocks. State: log class priors (K) then log confusion matrices (W x K x
 * K, true label by given label). Statistics: expected class counts, then expected confusion counts.
 * The class priors take the additive {@code smoothing}; confusion rows are maximum likelihood, with
 * only a {@link #FLOOR} so that a cell never seen gives log of a tiny number, not log(0) (see
 * {@link DawidSkene} for why no pseudo-count there).
 */
final class DawidSkeneProgram extends ConfusionProgram {
  private static final long serialVersionUID = 1L;

  /**
   * Added to every confusion cell: far below any real count, so rows stay the maximum-likelihood
   * estimate.
   */
  static final double FLOOR = 1e-10;

  private final DawidSkene.Settings settings;

  DawidSkeneProgram(int workers, int classes, DawidSkene.Settings settings) {
    super(workers, classes, settings.maxIterations(), settings.tolerance());
    this.settings = settings;
  }

  @Override
  public int statsSize() {
    return HEAD + k + workers * k * k;
  }

  @Override
  public double[] initialState() {
    if (settings.init() == DawidSkene.Init.MAJORITY_VOTE) {
      return null;
    }
    // Identity confusions (smoothed) and uniform priors: the first E-step is a majority vote.
    double[] stats = new double[statsSize()];
    for (int j = 0; j < workers; j++) {
      for (int t = 0; t < k; t++) {
        stats[HEAD + k + (j * k + t) * k + t] = 1;
      }
    }
    return update(stats);
  }

  @Override
  public double[] update(double[] stats) {
    double a = settings.smoothing();
    double[] state = new double[k + workers * k * k];
    double items = 0;
    for (int t = 0; t < k; t++) {
      items += stats[HEAD + t];
    }
    for (int t = 0; t < k; t++) {
      state[t] = Math.log((stats[HEAD + t] + a) / (items + k * a));
    }
    for (int row = 0; row < workers * k; row++) {
      int from = HEAD + k + row * k;
      double sum = 0;
      for (int l = 0; l < k; l++) {
        sum += stats[from + l];
      }
      for (int l = 0; l < k; l++) {
        state[k + row * k + l] = Math.log((stats[from + l] + FLOOR) / (sum + k * FLOOR));
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
    double[] priors = new double[k];
    for (int t = 0; t < k; t++) {
      priors[t] = Math.exp(state[t]);
    }
    double[][] confusion = new double[workers][k * k];
    double[] skills = new double[workers];
    for (int j = 0; j < workers; j++) {
      for (int c = 0; c < k * k; c++) {
        confusion[j][c] = Math.exp(state[k + j * k * k + c]);
      }
      for (int t = 0; t < k; t++) {
        skills[j] += priors[t] * confusion[j][t * k + t];
      }
    }
    return new Parameters(priors, confusion, skills);
  }

  @Override
  public String toString() {
    return "DawidSkeneProgram" + Arrays.asList(workers, k, settings);
  }
}
