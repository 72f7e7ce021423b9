package io.annolake.common.aggregation;

/**
 * The E-step and answer statistics Dawid-Skene and its Bayesian variant share: their state starts
 * with K log class weights, then a K x K log confusion matrix per worker (row: true class, column:
 * answer); statistics after the class sums hold expected confusion counts in the same layout.
 */
abstract class ConfusionProgram extends PosteriorPassProgram {
  ConfusionProgram(int workers, int classes, int maxIterations, double tolerance) {
    super(workers, classes, maxIterations, tolerance);
  }

  @Override
  void addAnswers(double[] state, ItemBlock block, int i, double[] post, double[] stats) {
    for (int a = block.start[i]; a < block.start[i + 1]; a++) {
      int base = HEAD + k + block.worker[a] * k * k + block.label[a];
      for (int t = 0; t < k; t++) {
        stats[base + t * k] += post[t];
      }
    }
  }

  /** Posterior of one item in log space, normalized; returns its log normaliser. */
  @Override
  double eStep(double[] state, ItemBlock block, int i, double[] post) {
    System.arraycopy(state, 0, post, 0, k);
    for (int a = block.start[i]; a < block.start[i + 1]; a++) {
      int base = k + block.worker[a] * k * k + block.label[a];
      for (int t = 0; t < k; t++) {
        post[t] += state[base + t * k];
      }
    }
    double logNormaliser = Posteriors.normalizeLog(post);
    Posteriors.clampGold(block, i, post);
    return logNormaliser;
  }
}
