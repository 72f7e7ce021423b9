package io.annolake.common.aggregation;

/**
 * The pass shared by programs whose first pass starts from majority-vote posteriors (Dawid-Skene,
 * one-coin Dawid-Skene, MACE): per item the posterior (votes with gold clamped, or the E-step), its
 * loss, the item count and the class sums; the per-answer statistics are the program's own.
 * Statistics layout after LOSS and ITEMS: K class sums at {@link #HEAD}, then the program's.
 */
abstract class PosteriorPassProgram implements EmProgram {
  private static final long serialVersionUID = 1L;
  static final int HEAD = 2;

  final int workers;
  final int k;
  private final int maxIterations;
  private final double tolerance;

  PosteriorPassProgram(int workers, int classes, int maxIterations, double tolerance) {
    this.workers = workers;
    this.k = classes;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
  }

  @Override
  public int classes() {
    return k;
  }

  /** Starts with a pass from majority-vote posteriors. */
  @Override
  public double[] initialState() {
    return null;
  }

  @Override
  public int maxIterations() {
    return maxIterations;
  }

  @Override
  public double tolerance() {
    return tolerance;
  }

  @Override
  public final void accumulate(double[] state, ItemBlock block, double[] stats) {
    double[] post = new double[k];
    for (int i = 0; i < block.items(); i++) {
      if (state == null) {
        Posteriors.votes(block, i, null, post);
        Posteriors.clampGold(block, i, post);
      } else {
        stats[LOSS] += eStep(state, block, i, post);
      }
      stats[ITEMS] += 1;
      for (int t = 0; t < k; t++) {
        stats[HEAD + t] += post[t];
      }
      addAnswers(state, block, i, post, stats);
    }
  }

  /** Posterior of item i under state written to post (gold clamped); returns its log-likelihood. */
  abstract double eStep(double[] state, ItemBlock block, int i, double[] post);

  /** Adds item i's per-answer statistics given its posterior (state null on the first pass). */
  abstract void addAnswers(double[] state, ItemBlock block, int i, double[] post, double[] stats);
}
