package io.annolake.common.aggregation;

/**
 * One-coin Dawid-Skene EM over item blocks: a worker is right with probability {@code s} and
 * otherwise picks a wrong label uniformly. State: log priors (K), log skill (W), log error per
 * wrong label (W). Statistics: expected class counts, expected correct answers per worker, answers
 * per worker.
 */
final class OneCoinProgram extends PosteriorPassProgram {
  private static final long serialVersionUID = 1L;

  private final OneCoinDawidSkene.Settings settings;

  OneCoinProgram(int workers, int classes, OneCoinDawidSkene.Settings settings) {
    super(workers, classes, settings.maxIterations(), settings.tolerance());
    this.settings = settings;
  }

  @Override
  public int statsSize() {
    return HEAD + k + 2 * workers;
  }

  @Override
  void addAnswers(double[] state, ItemBlock block, int i, double[] post, double[] stats) {
    for (int a = block.start[i]; a < block.start[i + 1]; a++) {
      int j = block.worker[a];
      stats[HEAD + k + j] += post[block.label[a]];
      stats[HEAD + k + workers + j] += 1;
    }
  }

  @Override
  double eStep(double[] state, ItemBlock block, int i, double[] post) {
    double base = 0;
    System.arraycopy(state, 0, post, 0, k);
    for (int a = block.start[i]; a < block.start[i + 1]; a++) {
      int j = block.worker[a];
      base += state[k + workers + j];
      post[block.label[a]] += state[k + j] - state[k + workers + j];
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
    double a = settings.smoothing();
    double[] state = new double[k + 2 * workers];
    double items = 0;
    for (int t = 0; t < k; t++) {
      items += stats[HEAD + t];
    }
    for (int t = 0; t < k; t++) {
      state[t] = Math.log((stats[HEAD + t] + a) / (items + k * a));
    }
    for (int j = 0; j < workers; j++) {
      double skill = (stats[HEAD + k + j] + a) / (stats[HEAD + k + workers + j] + k * a);
      state[k + j] = Math.log(skill);
      state[k + workers + j] = k > 1 ? Math.log((1 - skill) / (k - 1)) : 0;
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
      skills[j] = Math.exp(state[k + j]);
      double wrong = Math.exp(state[k + workers + j]);
      for (int t = 0; t < k; t++) {
        for (int l = 0; l < k; l++) {
          confusion[j][t * k + l] = t == l ? skills[j] : wrong;
        }
      }
    }
    return new Parameters(priors, confusion, skills);
  }
}
