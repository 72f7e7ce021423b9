package io.annolake.common.anomaly;

import io.annolake.common.stats.RunningStats;
import java.io.Serializable;

/**
 * The sufficient statistics of one worker in one project, step and window, as the Spark side
 * gathers them. Label arrays are aligned with {@link StepContext#labels()}.
 *
 * @param labelCounts the worker's answers per label
 * @param itemConsensusCounts consensus labels of the items the worker answered (all 0 without
 *     consensus)
 * @param consensusAnswers answers on items with a consensus label
 * @param consensusAgreed of those, answers equal to it
 * @param wrongPrelabels answers on items whose shown pre-label differs from the consensus label
 * @param wrongPrelabelsAccepted of those, answers equal to the pre-label
 * @param prelabelMedianDurationMs median duration on items shown with a pre-label (NaN if none)
 * @param goldAnswers answers on gold items in the window, {@code goldCorrect} of them right
 * @param longestRun longest run of one label in submission order
 * @param burst the densest window of submissions
 * @param goldHistory gold answers recent vs. the worker's own history
 */
public record WorkerStats(
    String workerId,
    String workerType,
    long answers,
    double medianDurationMs,
    long[] labelCounts,
    long[] itemConsensusCounts,
    long consensusAnswers,
    long consensusAgreed,
    long wrongPrelabels,
    long wrongPrelabelsAccepted,
    double prelabelMedianDurationMs,
    long goldAnswers,
    long goldCorrect,
    int longestRun,
    Bursts.Burst burst,
    GoldHistory goldHistory)
    implements Serializable {

  /**
   * Gold answers in the recent days against the days before them (window plus committed history),
   * with the same split of answers judged against consensus (dense where gold is sparse).
   */
  public record GoldHistory(
      long historyAnswers,
      long historyCorrect,
      long recentAnswers,
      long recentCorrect,
      RunningStats dailyAccuracy,
      long historyConsensus,
      long historyAgreed,
      long recentConsensus,
      long recentAgreed)
      implements Serializable {
    public static final GoldHistory NONE =
        new GoldHistory(0, 0, 0, 0, RunningStats.EMPTY, 0, 0, 0, 0);
  }

  /** Gold accuracy in the window, NaN without gold answers. */
  public double goldAccuracy() {
    return goldAnswers > 0 ? (double) goldCorrect / goldAnswers : Double.NaN;
  }
}
