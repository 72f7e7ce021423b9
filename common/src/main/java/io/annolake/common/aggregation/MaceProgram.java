package io.annolake.common.aggregation;

/**
 * MACE EM over item blocks. A worker answers truthfully with probability theta, otherwise spams by
 * drawing a label from their own strategy xi. State: log priors (K), theta (W), xi (W x K).
 * Statistics: expected class counts, expected truthful answers per worker, expected spam answers
 * per worker and label.
 */
final class MaceProgram extends PosteriorPassProgram {
  private static final long serialVersionUID = 1L;

  private final Mace.Settings settings;

  MaceProgram(int workers, int classes, Mace.Settings settings) {
    super(workers, classes, settings.maxIterations(), settings.tolerance());
    this.settings = settings;
  }

  @Override
  public int statsSize() {
    return HEAD + k + workers + workers * k;
  }

  @Override
  void addAnswers(double[] state, ItemBlock block, int i, double[] post, double[] stats) {
    for (int a = block.start[i]; a < block.start[i + 1]; a++) {
      int j = block.worker[a];
      int l = block.label[a];
      double theta = state == null ? 0.5 : state[k + j];
      double xi = state == null ? 1.0 / k : state[k + workers + j * k + l];
      double truthful = post[l] * theta / (theta + (1 - theta) * xi);
      stats[HEAD + k + j] += truthful;
      stats[HEAD + k + workers + j * k + l] += 1 - truthful;
    }
  }

  @Override
  double eStep(double[] state, ItemBlock block, int i, double[] post) {
    double base = 0;
    System.arraycopy(state, 0, post, 0, k);
    for (int a = block.start[i]; a < block.start[i + 1]; a++) {
      int j = block.worker[a];
      int l = block.label[a];
      double theta = state[k + j];
      double spam = (1 - theta) * state[k + workers + j * k + l];
      double other = Math.log(spam);
      base += other;
      post[l] += Math.log(theta + spam) - other;
    }
    for (int t = 0; t < k; t++) {
      post[t] += base;
    }
    double logLikelihood = Posteriors.normalizeLog(post);
    Posteriors.clampGold(block, i, post);
    return logLikelihood;
  }

  @Override
  public double[] update(double[] stats) {
    double s = settings.smoothing();
    double[] state = new double[k + workers + workers * k];
    double items = 0;
    for (int t = 0; t < k; t++) {
      items += stats[HEAD + t];
    }
    for (int t = 0; t < k; t++) {
      state[t] =
          settings.priors() == ClassPriors.UNIFORM ? -Math.log(k) : Math.log((stats[HEAD + t] + s) / (items + k * s));
    }
    for (int j = 0; j < workers; j++) {
      double truthful = stats[HEAD + k + j];
      double spam = 0;
      for (int l = 0; l < k; l++) {
        spam += stats[HEAD + k + workers + j * k + l];
      }
      state[k + j] = (truthful + settings.alpha()) / (truthful + spam + settings.alpha() + settings.beta());
      for (int l = 0; l < k; l++) {
        state[k + workers + j * k + l] = (stats[HEAD + k + workers + j * k + l] + s) / (spam + k * s);
      }
    }
    return state;
  }

  @Override
  public void posterior(double[] state, ItemBlock block, int item, double[] out) {
    eStep(state, block, item, out);
  }

  @Override
  public Parameters parameters(double[] state, int workerCount) {
    double[] priors = new double[k];
    for (int t = 0; t < k; t++) {
      priors[t] = Math.exp(state[t]);
    }
    double[] skills = new double[workers];
    double[][] confusion = new double[workers][k * k];
    for (int j = 0; j < workers; j++) {
      double theta = state[k + j];
      skills[j] = theta;
      for (int t = 0; t < k; t++) {
        for (int l = 0; l < k; l++) {
          confusion[j][t * k + l] = (t == l ? theta : 0) + (1 - theta) * state[k + workers + j * k + l];
        }
      }
    }
    return new Parameters(priors, confusion, skills);
  }
}
