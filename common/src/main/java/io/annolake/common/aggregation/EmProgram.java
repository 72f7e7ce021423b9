package io.annolake.common.aggregation;

import java.io.Serializable;

/**
 * An aggregator written as passes over item blocks, so the same code runs on one array locally and
 * per partition in Spark: a pass adds every item's E-step under the current state to a vector of
 * sufficient statistics (mergeable by element-wise sum), and {@link #update} is the M-step that
 * turns the summed statistics into the next state.
 *
 * <p>Statistics layout: {@code stats[0]} is the summed loss (log-likelihood of the answers), {@code
 * stats[1]} the number of items; the rest is the program's own.
 */
public interface EmProgram extends Serializable {
  /** Index of the summed loss in the statistics. */
  int LOSS = 0;

  /** Index of the item count in the statistics. */
  int ITEMS = 1;

  int classes();

  int statsSize();

  /** The starting state, or null to start with a pass from majority-vote posteriors. */
  double[] initialState();

  /** EM iterations after the initial state (0: the initial state is final). */
  int maxIterations();

  /** Stop when the loss changes by less than this between iterations. */
  double tolerance();

  /**
   * E-step of every item of the block under {@code state} (null: the initial pass), added to stats.
   */
  void accumulate(double[] state, ItemBlock block, double[] stats);

  /** M-step: the next state from summed statistics. */
  double[] update(double[] stats);

  /** M-step for programs whose step depends on the previous state (null before the first). */
  default double[] update(double[] previous, double[] stats) {
    return update(stats);
  }

  /** The posterior of one item under {@code state}, written to {@code out} (length classes). */
  void posterior(double[] state, ItemBlock block, int item, double[] out);

  /** What the state says about workers and classes. */
  Parameters parameters(double[] state, int workers);

  /**
   * Fitted parameters.
   *
   * @param priors class priors (length K), or null
   * @param confusion per worker K x K row-major, true label by given label, or null
   * @param skills per worker, or null
   */
  record Parameters(double[] priors, double[][] confusion, double[] skills) {}
}
