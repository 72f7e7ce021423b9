package io.annolake.common.simulate;

/**
 * Kinds of simulated worker, each with its own answer model and speed. The mix is realistic for an
 * open crowd: mostly good and mediocre workers, a few experts, and a minority of bad actors.
 */
public enum WorkerArchetype {
  /** Accuracy 0.97-0.99, careful. */
  EXPERT(0.03, 20_000),
  /**
   * Accuracy 0.975-0.995: meets the default 0.97 gold bar; errors mostly on one confusable
   * neighbour class.
   */
  GOOD(0.25, 12_000),
  /**
   * Accuracy 0.85-0.95: a solid crowd worker below the default 0.97 bar. Pausing one at that bar is
   * the bar doing its job (a project that accepts such workers lowers its threshold); never an
   * anomaly.
   */
  COMPETENT(0.25, 11_000),
  /** Accuracy 0.60-0.75. */
  MEDIOCRE(0.22, 9_000),
  /** Answers uniformly at random. */
  SPAMMER(0.06, 3_000),
  /** Gives (almost) always the same label. */
  CONSTANT(0.04, 2_500),
  /** Deliberately picks a wrong label most of the time. */
  ADVERSARIAL(0.03, 8_000),
  /** Clicks through in about a second, near random. */
  TOO_FAST(0.04, 900),
  /** Slow but accurate, 0.975-0.995 (legitimate variation that must not be flagged). */
  SLOW_ACCURATE(0.05, 40_000),
  /** Accepts the model's pre-label whenever one is shown. */
  RUBBER_STAMPER(0.03, 2_000);

  private final double share;
  private final long medianDurationMs;

  WorkerArchetype(double share, long medianDurationMs) {
    this.share = share;
    this.medianDurationMs = medianDurationMs;
  }

  /** Share of the crowd with this archetype. */
  public double share() {
    return share;
  }

  /** Median time per answer. */
  public long medianDurationMs() {
    return medianDurationMs;
  }

  /** Whether a quality process should stop this worker (used to score detection). */
  public boolean isBad() {
    return this == SPAMMER || this == CONSTANT || this == ADVERSARIAL || this == TOO_FAST;
  }
}
