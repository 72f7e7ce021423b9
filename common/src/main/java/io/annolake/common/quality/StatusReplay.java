package io.annolake.common.quality;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Replays one worker's gold answers and reinstatements in time order through {@link StatusRules},
 * giving the status timeline (status as of any instant) and the latest window figures.
 *
 * <p>Judging window: the last {@code windowSize} gold answers since the worker last came back from
 * a pause. Coming back by retraining keeps only the streak that earned it; a reinstatement starts
 * an empty window, so old failures cannot pause the worker again at once.
 */
public final class StatusReplay {
  /** A status change at {@code at}, with the evidence that caused it. */
  public record Change(
      Instant at, WorkerStatus from, WorkerStatus to, String reason, Evidence evidence) {}

  private final StatusPolicy policy;
  private final int windowSize;
  private final ArrayDeque<Boolean> window = new ArrayDeque<>();
  private final List<Change> changes = new ArrayList<>();
  private WorkerStatus status = WorkerStatus.INSUFFICIENT_EVIDENCE;
  private String reason = "no gold answers yet";
  private long windowCorrect;
  private long streak;

  public StatusReplay(StatusPolicy policy, int windowSize) {
    if (windowSize < policy.minEvidence()) {
      throw new IllegalArgumentException(
          "Invalid window size "
              + windowSize
              + ": must be >= min evidence "
              + policy.minEvidence());
    }
    this.policy = policy;
    this.windowSize = windowSize;
  }

  /** A gold answer submitted at {@code at}. Call in time order. */
  public void gold(Instant at, boolean correct) {
    window.addLast(correct);
    windowCorrect += correct ? 1 : 0;
    if (window.size() > windowSize) {
      windowCorrect -= window.removeFirst() ? 1 : 0;
    }
    if (status == WorkerStatus.PAUSED) {
      streak = correct ? streak + 1 : 0;
    }
    apply(at, evidence(false));
  }

  /** A quality lead's reinstatement at {@code at}; ignored unless the worker is paused. */
  public void reinstate(Instant at) {
    if (status == WorkerStatus.PAUSED) {
      apply(at, evidence(true));
    }
  }

  private Evidence evidence(boolean reinstated) {
    return Evidence.of(window.size(), windowCorrect, policy.z(), streak, reinstated);
  }

  private void apply(Instant at, Evidence evidence) {
    StatusRules.Decision d = StatusRules.decide(status, evidence, policy);
    reason = d.reason();
    if (d.status() == status) {
      return;
    }
    if (status == WorkerStatus.PAUSED) {
      window.clear();
      windowCorrect = 0;
      if (!evidence.reinstated()) {
        for (long i = 0; i < Math.min(streak, windowSize); i++) {
          window.addLast(true);
          windowCorrect++;
        }
      }
      streak = 0;
    }
    if (d.status() == WorkerStatus.PAUSED) {
      streak = 0;
    }
    changes.add(new Change(at, status, d.status(), d.reason(), evidence));
    status = d.status();
  }

  public WorkerStatus status() {
    return status;
  }

  /** Why the last evaluation gave the current status. */
  public String reason() {
    return reason;
  }

  /** Consecutive correct gold answers since the current pause (0 when not paused). */
  public long streak() {
    return status == WorkerStatus.PAUSED ? streak : 0;
  }

  /** The current judging window. */
  public Evidence window() {
    return evidence(false);
  }

  public List<Change> changes() {
    return Collections.unmodifiableList(changes);
  }
}
