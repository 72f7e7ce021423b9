package io.annolake.common.aggregation;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs an {@link EmProgram} to convergence. Where the passes run is pluggable: locally over one
 * block, or in Spark over cached partitions (the {@link Pass} the Spark runner supplies).
 */
public final class EmRunner {
  /** One pass over all the data: summed statistics under a state (null: initial pass). */
  @FunctionalInterface
  public interface Pass {
    double[] run(double[] state);
  }

  /**
   * The outcome of a run.
   *
   * @param reported the state whose E-step gives the reported posteriors (the last E-step run)
   * @param last the state after the last M-step (the fitted worker parameters)
   * @param lossHistory mean log-likelihood per item, per iteration
   * @param converged whether the tolerance was reached before the iteration limit
   */
  public record Outcome(double[] reported, double[] last, List<Double> lossHistory, boolean converged) {}

  private EmRunner() {}

  public static Outcome run(EmProgram program, Pass pass) {
    double[] state = program.initialState();
    if (state == null) {
      state = program.update(null, pass.run(null));
    }
    double[] reported = state;
    List<Double> losses = new ArrayList<>();
    boolean converged = program.maxIterations() == 0;
    for (int t = 0; t < program.maxIterations(); t++) {
      double[] stats = pass.run(state);
      double loss = stats[EmProgram.ITEMS] > 0 ? stats[EmProgram.LOSS] / stats[EmProgram.ITEMS] : 0;
      reported = state;
      state = program.update(state, stats);
      losses.add(loss);
      if (losses.size() > 1 && Math.abs(loss - losses.get(losses.size() - 2)) < program.tolerance()) {
        converged = true;
        break;
      }
    }
    return new Outcome(reported, state, List.copyOf(losses), converged);
  }

  /** Runs locally over one block. */
  public static Outcome runLocal(EmProgram program, ItemBlock block) {
    return run(
        program,
        state -> {
          double[] stats = new double[program.statsSize()];
          program.accumulate(state, block, stats);
          return stats;
        });
  }
}
