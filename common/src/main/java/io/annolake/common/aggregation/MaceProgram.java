package io.annolake.common.aggregation;

import org.apache.commons.math3.special.Gamma;

/**
 * MACE over item blocks. A worker answers truthfully with probability theta, otherwise spams by
 * drawing a label from their own strategy xi, so P(answer l | truth t) = know [l = t] + spam xi_l.
 * Under EM, know = theta and spam = 1 - theta (point estimates); under variational Bayes they are
 * the sub-normalized weights exp(E[log theta]) and exp(E[log(1 - theta)]), and xi is exp(E[log
 * xi]). State: log priors (K), theta (W, the point estimate or posterior mean, reported as skill),
 * know (W), spam (W), xi (W x K). Statistics: expected class counts, expected truthful answers per
 * worker, expected spam answers per worker and label.
 */
final class MaceProgram extends PosteriorPassProgram {
  private static final long serialVersionUID = 1L;

  private final Mace.Settings settings;

  MaceProgram(int workers, int classes, Mace.Settings settings) {
    super(workers, classes, settings.maxIterations(), settings.tolerance());
    this.settings = settings;
  }

  private int theta(int j) {
    return k + j;
  }

  private int know(int j) {
    return k + workers + j;
  }

  private int spam(int j) {
    return k + 2 * workers + j;
  }

  private int xi(int j, int l) {
    return k + 3 * workers + j * k + l;
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
      double know = state == null ? 0.5 : state[know(j)];
      double spam = state == null ? 0.5 / k : state[spam(j)] * state[xi(j, l)];
      double truthful = post[l] * know / (know + spam);
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
      double spam = state[spam(j)] * state[xi(j, l)];
      double other = Math.log(spam);
      base += other;
      post[l] += Math.log(state[know(j)] + spam) - other;
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
    double[] state = new double[k + 3 * workers + workers * k];
    double items = 0;
    for (int t = 0; t < k; t++) {
      items += stats[HEAD + t];
    }
    boolean uniform =
        settings.priors() == ClassPriors.UNIFORM
            || settings.priors() == ClassPriors.SUPPORTED && !priorsSupported(stats, items);
    for (int t = 0; t < k; t++) {
      state[t] = uniform ? -Math.log(k) : Math.log((stats[HEAD + t] + s) / (items + k * s));
    }
    boolean vb = settings.inference() == Mace.Inference.VARIATIONAL_BAYES;
    double a0 = settings.alpha();
    double b0 = settings.beta();
    double g = settings.strategyPrior();
    for (int j = 0; j < workers; j++) {
      double truthful = stats[HEAD + k + j];
      double spam = 0;
      for (int l = 0; l < k; l++) {
        spam += stats[HEAD + k + workers + j * k + l];
      }
      double n = truthful + spam + a0 + b0;
      state[theta(j)] = (truthful + a0) / n;
      if (vb) {
        double dn = Gamma.digamma(n);
        state[know(j)] = Math.exp(Gamma.digamma(truthful + a0) - dn);
        state[spam(j)] = Math.exp(Gamma.digamma(spam + b0) - dn);
        double ds = Gamma.digamma(spam + k * g);
        for (int l = 0; l < k; l++) {
          state[xi(j, l)] = Math.exp(Gamma.digamma(stats[HEAD + k + workers + j * k + l] + g) - ds);
        }
      } else {
        state[know(j)] = state[theta(j)];
        state[spam(j)] = 1 - state[theta(j)];
        for (int l = 0; l < k; l++) {
          state[xi(j, l)] = (stats[HEAD + k + workers + j * k + l] + s) / (spam + k * s);
        }
      }
    }
    return state;
  }

  /**
   * Whether the expected class counts are far enough from uniform to pay for K - 1 free priors: the
   * likelihood-ratio statistic 2 N KL(counts || uniform) against the BIC penalty (K - 1) ln N.
   * Where they are not (balanced classes, or a crowd too small to tell), a spammer's favourite
   * label could otherwise pass for a frequent class.
   */
  private boolean priorsSupported(double[] stats, double items) {
    if (items <= 1) {
      return false;
    }
    double kl = 0;
    for (int t = 0; t < k; t++) {
      double p = stats[HEAD + t] / items;
      kl += p > 0 ? p * Math.log(p * k) : 0;
    }
    return 2 * items * kl > (k - 1) * Math.log(items);
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
      double theta = state[theta(j)];
      skills[j] = theta;
      // The expected answer distribution: posterior-mean theta, strategy normalized.
      double xiSum = 0;
      for (int l = 0; l < k; l++) {
        xiSum += state[xi(j, l)];
      }
      for (int t = 0; t < k; t++) {
        for (int l = 0; l < k; l++) {
          confusion[j][t * k + l] = (t == l ? theta : 0) + (1 - theta) * state[xi(j, l)] / xiSum;
        }
      }
    }
    return new Parameters(priors, confusion, skills);
  }
}
