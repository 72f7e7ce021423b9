package io.annolake.common.aggregation;

/**
 * Weighted votes: the posterior of a label is the share of worker weight behind it. Weights come
 * from nowhere (plain majority vote), from accuracy on gold items, or from agreement with the
 * majority vote (Wawa). State: one weight per worker. Statistics: per worker, correct answers then
 * answers compared.
 */
final class VoteProgram implements EmProgram {
  private static final long serialVersionUID = 1L;
  private static final int HEAD = 2;

  /** Where worker weights come from. */
  enum Weights {
    NONE,
    GOLD,
    MAJORITY
  }

  private final int workers;
  private final int k;
  private final Weights weights;
  private final double smoothing;

  VoteProgram(int workers, int classes, Weights weights, double smoothing) {
    this.workers = workers;
    this.k = classes;
    this.weights = weights;
    this.smoothing = smoothing;
  }

  @Override
  public int classes() {
    return k;
  }

  @Override
  public int statsSize() {
    return HEAD + 2 * workers;
  }

  @Override
  public double[] initialState() {
    return weights == Weights.NONE ? new double[0] : null;
  }

  @Override
  public int maxIterations() {
    return 0;
  }

  @Override
  public double tolerance() {
    return 0;
  }

  @Override
  public void accumulate(double[] state, ItemBlock block, double[] stats) {
    double[] post = new double[k];
    for (int i = 0; i < block.items(); i++) {
      stats[ITEMS] += 1;
      int reference;
      if (weights == Weights.GOLD) {
        reference = block.gold[i];
      } else {
        Posteriors.votes(block, i, state == null || state.length == 0 ? null : state, post);
        reference = Posteriors.argmax(post);
      }
      if (reference == ItemBlock.NO_GOLD) {
        continue;
      }
      for (int a = block.start[i]; a < block.start[i + 1]; a++) {
        int j = block.worker[a];
        stats[HEAD + j] += block.label[a] == reference ? 1 : 0;
        stats[HEAD + workers + j] += 1;
      }
    }
  }

  @Override
  public double[] update(double[] stats) {
    double correct = 0;
    double total = 0;
    for (int j = 0; j < workers; j++) {
      correct += stats[HEAD + j];
      total += stats[HEAD + workers + j];
    }
    // Workers never compared (no gold answers) get the pooled accuracy, or weight 1 without any.
    double pooled = total > 0 ? correct / total : 1;
    double[] w = new double[workers];
    for (int j = 0; j < workers; j++) {
      double c = stats[HEAD + j];
      double n = stats[HEAD + workers + j];
      w[j] =
          weights == Weights.MAJORITY
              ? (n > 0 ? c / n : 0)
              : (c + smoothing * pooled) / (n + smoothing);
    }
    return w;
  }

  @Override
  public void posterior(double[] state, ItemBlock block, int item, double[] out) {
    Posteriors.votes(block, item, state == null || state.length == 0 ? null : state, out);
  }

  @Override
  public Parameters parameters(double[] state, int workerCount) {
    return new Parameters(null, null, state.length == 0 ? null : state.clone());
  }
}
