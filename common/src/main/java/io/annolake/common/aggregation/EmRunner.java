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
  public record Outcome(
      double[] reported, double[] last, List<Double> lossHistory, boolean converged) {}

  private EmRunner() {}

  public static Outcome run(EmProgram program, Pass pass) {
    Run run = new Run(program);
    while (!run.done()) {
      run.accept(pass.run(run.passState()));
    }
    return run.outcome();
  }

  /**
   * One program's EM, driven one pass at a time, so a runner can fuse the passes of many programs
   * (one Spark job per iteration for every project and step).
   */
  public static final class Run {
    private final EmProgram program;
    private final List<Double> losses = new ArrayList<>();
    private double[] state;
    private double[] reported;
    private boolean initPending;
    private boolean done;
    private boolean converged;

    public Run(EmProgram program) {
      this.program = program;
      this.state = program.initialState();
      this.reported = state;
      this.initPending = state == null;
      this.converged = program.maxIterations() == 0;
      this.done = !initPending && program.maxIterations() == 0;
    }

    public boolean done() {
      return done;
    }

    /** The state the next pass runs under (null: the initial pass). */
    public double[] passState() {
      return initPending ? null : state;
    }

    /** Takes the summed statistics of the pass run under {@link #passState()}. */
    public void accept(double[] stats) {
      if (initPending) {
        state = program.update(null, stats);
        reported = state;
        initPending = false;
        done = program.maxIterations() == 0;
        return;
      }
      double loss = stats[EmProgram.ITEMS] > 0 ? stats[EmProgram.LOSS] / stats[EmProgram.ITEMS] : 0;
      reported = state;
      state = program.update(state, stats);
      losses.add(loss);
      if (losses.size() > 1
          && Math.abs(loss - losses.get(losses.size() - 2)) < program.tolerance()) {
        converged = true;
        done = true;
      } else if (losses.size() >= program.maxIterations()) {
        done = true;
      }
    }

    public Outcome outcome() {
      return new Outcome(reported, state, List.copyOf(losses), converged);
    }
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
