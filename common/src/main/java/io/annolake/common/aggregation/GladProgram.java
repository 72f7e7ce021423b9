package io.annolake.common.aggregation;

/**
 * GLAD over item blocks. Abilities (one per worker) are the broadcast state; an item's inverse
 * difficulty is item-local, so instead of storing it between passes each pass re-estimates it
 * inside the item's E-step (a few alternations of posterior and one-dimensional scoring step from
 * the prior mean). At a fixed point this is the same coordinate ascent as GLAD's EM. State: log
 * priors (K) then abilities (W). Statistics: class sums, then per worker the ability gradient and
 * Fisher information.
 */
final class GladProgram implements EmProgram {
  private static final long serialVersionUID = 1L;
  private static final int HEAD = 2;

  private final int workers;
  private final int k;
  private final Glad.Settings settings;

  GladProgram(int workers, int classes, Glad.Settings settings) {
    this.workers = workers;
    this.k = classes;
    this.settings = settings;
  }

  @Override
  public int classes() {
    return k;
  }

  @Override
  public int statsSize() {
    return HEAD + k + 2 * workers;
  }

  @Override
  public double[] initialState() {
    double[] state = new double[k + workers];
    java.util.Arrays.fill(state, 0, k, -Math.log(k));
    java.util.Arrays.fill(state, k, k + workers, settings.alphaPriorMean());
    return state;
  }

  @Override
  public int maxIterations() {
    return settings.maxIterations();
  }

  @Override
  public double tolerance() {
    return settings.tolerance();
  }

  @Override
  public void accumulate(double[] state, ItemBlock block, double[] stats) {
    double[] post = new double[k];
    for (int i = 0; i < block.items(); i++) {
      double logBeta = fitItem(state, block, i, post);
      stats[LOSS] += Glad.eStep(block, i, state, k, workers, logBeta, k, post);
      stats[ITEMS] += 1;
      for (int t = 0; t < k; t++) {
        stats[HEAD + t] += post[t];
      }
      double beta = Math.exp(logBeta);
      for (int a = block.start[i]; a < block.start[i + 1]; a++) {
        int j = block.worker[a];
        double sg = Glad.sigmoid(state[k + j] * beta);
        stats[HEAD + k + j] += (post[block.label[a]] - sg) * beta;
        stats[HEAD + k + workers + j] += sg * (1 - sg) * beta * beta;
      }
    }
  }

  /** Alternates the item's posterior and its log inverse difficulty; returns the latter. */
  private double fitItem(double[] state, ItemBlock block, int i, double[] post) {
    double logBeta = settings.logBetaPriorMean();
    for (int round = 0; round < settings.itemRounds(); round++) {
      Glad.eStep(block, i, state, k, workers, logBeta, k, post);
      double beta = Math.exp(logBeta);
      double g = -(logBeta - settings.logBetaPriorMean());
      double h = 1;
      for (int a = block.start[i]; a < block.start[i + 1]; a++) {
        double ab = state[k + block.worker[a]] * beta;
        double sg = Glad.sigmoid(ab);
        g += (post[block.label[a]] - sg) * ab;
        h += sg * (1 - sg) * ab * ab;
      }
      logBeta += Math.max(-1, Math.min(1, g / h));
    }
    return logBeta;
  }

  @Override
  public double[] update(double[] stats) {
    throw new UnsupportedOperationException("GLAD's M-step needs the previous abilities");
  }

  @Override
  public double[] update(double[] previous, double[] stats) {
    double[] state = previous.clone();
    if (settings.priors() == ClassPriors.ESTIMATED) {
      double s = settings.smoothing();
      double items = stats[ITEMS];
      for (int t = 0; t < k; t++) {
        state[t] = Math.log((stats[HEAD + t] + s) / (items + k * s));
      }
    }
    for (int j = 0; j < workers; j++) {
      double alpha = previous[k + j];
      double g = stats[HEAD + k + j] - (alpha - settings.alphaPriorMean());
      state[k + j] = alpha + Math.max(-1, Math.min(1, g / (stats[HEAD + k + workers + j] + 1)));
    }
    return state;
  }

  @Override
  public void posterior(double[] state, ItemBlock block, int item, double[] out) {
    double logBeta = fitItem(state, block, item, out);
    Glad.eStep(block, item, state, k, workers, logBeta, k, out);
  }

  @Override
  public Parameters parameters(double[] state, int workerCount) {
    double[] priors = new double[k];
    double[] skills = new double[workers];
    double[][] confusion = new double[workers][k * k];
    for (int t = 0; t < k; t++) {
      priors[t] = Math.exp(state[t]);
    }
    for (int j = 0; j < workers; j++) {
      skills[j] = state[k + j];
      double right = Glad.sigmoid(skills[j]);
      for (int c = 0; c < k * k; c++) {
        confusion[j][c] = c / k == c % k ? right : k > 1 ? (1 - right) / (k - 1) : 0;
      }
    }
    return new Parameters(priors, confusion, skills);
  }
}
