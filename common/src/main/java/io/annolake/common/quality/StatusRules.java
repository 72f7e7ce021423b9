package io.annolake.common.quality;

import java.util.Locale;

/**
 * The status machine as one pure function: previous status + evidence -> new status + reason.
 *
 * <p>Rules, first match wins:
 *
 * <ol>
 *   <li>PAUSED stays PAUSED (hysteresis) until a reinstatement record or {@code retrainingCount}
 *       consecutive correct gold answers after the pause; then PROBATION.
 *   <li>Fewer than {@code minEvidence} answers: INSUFFICIENT_EVIDENCE (PROBATION stays PROBATION).
 *   <li>Upper bound below the threshold: PAUSED (proven, not one unlucky answer).
 *   <li>Lower bound at or above the threshold: TRUSTED.
 *   <li>Accuracy at or above the threshold: ACTIVE.
 *   <li>Otherwise PROBATION.
 * </ol>
 */
public final class StatusRules {
  /** The outcome of one evaluation. */
  public record Decision(WorkerStatus status, String reason) {}

  private StatusRules() {}

  public static Decision decide(WorkerStatus previous, Evidence e, StatusPolicy policy) {
    if (previous == WorkerStatus.PAUSED) {
      if (e.reinstated()) {
        return new Decision(WorkerStatus.PROBATION, "REINSTATED by a quality lead");
      }
      if (e.streakSincePause() >= policy.retrainingCount()) {
        return new Decision(
            WorkerStatus.PROBATION,
            "RETRAINED: "
                + e.streakSincePause()
                + " consecutive correct gold answers after the pause");
      }
      return new Decision(
          WorkerStatus.PAUSED,
          "retraining " + e.streakSincePause() + "/" + policy.retrainingCount());
    }
    if (e.answers() < policy.minEvidence()) {
      WorkerStatus status =
          previous == WorkerStatus.PROBATION
              ? WorkerStatus.PROBATION
              : WorkerStatus.INSUFFICIENT_EVIDENCE;
      return new Decision(status, e.answers() + " gold answers < minimum " + policy.minEvidence());
    }
    String figures = figures(e, policy);
    if (e.ciHigh() < policy.threshold()) {
      return new Decision(WorkerStatus.PAUSED, "ci_high below threshold: " + figures);
    }
    if (e.ciLow() >= policy.threshold()) {
      return new Decision(WorkerStatus.TRUSTED, "ci_low at or above threshold: " + figures);
    }
    if (e.accuracy() >= policy.threshold()) {
      return new Decision(WorkerStatus.ACTIVE, "accuracy at or above threshold: " + figures);
    }
    return new Decision(WorkerStatus.PROBATION, "accuracy below threshold, not proven: " + figures);
  }

  private static String figures(Evidence e, StatusPolicy policy) {
    return String.format(
        Locale.ROOT,
        "%d/%d correct, accuracy %.4f, CI [%.4f, %.4f], threshold %.4f",
        e.correct(),
        e.answers(),
        e.accuracy(),
        e.ciLow(),
        e.ciHigh(),
        policy.threshold());
  }
}
