package io.annolake.common.quality;

/** A worker's standing on one project and step, as the golden set proves it. */
public enum WorkerStatus {
  /** Fewer gold answers than the minimum: nothing is proven either way. */
  INSUFFICIENT_EVIDENCE,
  /** The interval's lower bound is at or above the threshold: proven good. */
  TRUSTED,
  /** Accuracy at or above the threshold, not yet proven. */
  ACTIVE,
  /** Accuracy below the threshold but not proven, or back after a pause and not yet re-judged. */
  PROBATION,
  /**
   * The interval's upper bound is below the threshold: proven bad. Left only by retraining or
   * reinstatement.
   */
  PAUSED
}
