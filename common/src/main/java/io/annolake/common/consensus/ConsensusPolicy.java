package io.annolake.common.consensus;

import java.io.Serializable;

/**
 * The decision policy, per project and step: gold item -> GOLD; expert adjudication ->
 * ADJUDICATED (wins; its disagreement with the crowd label is recorded); fewer answers than the
 * minimum -> PENDING; every answer the same -> AUTO_APPROVED; top posterior at or above the accept
 * threshold -> ACCEPTED; otherwise ESCALATED, with the reason an expert should look. Thresholds
 * come from the latest guideline version of the project's label schema, else from the settings.
 *
 * <p>Pure functions of one item's facts: the Spark side calls them inside the partitions that
 * hold the item's answers, so deciding needs no join.
 */
public final class ConsensusPolicy {
  private ConsensusPolicy() {}

  /** The method that produced the posteriors, recorded on every row. */
  public record Method(String name, String paramsHash, String paramsJson) implements Serializable {}

  /** A project and step's thresholds. */
  public record Thresholds(int minAnnotators, double acceptThreshold) implements Serializable {}

  /** Why an item is escalated (the escalations table's {@code reason}), most specific first. */
  public enum EscalationReason {
    /** Every kept answer comes from a worker the model rates below the low-quality accuracy. */
    ONLY_LOW_QUALITY_WORKERS,
    /** The two most probable labels are equally probable: the crowd is split. */
    TIE,
    /** The top posterior is below the accept threshold. */
    LOW_CONFIDENCE
  }

  /**
   * Decides one item.
   *
   * @param goldLabel the item's known answer, or null
   * @param adjudicatedLabel the expert's latest label, or null
   * @param answers answers kept (after excluding paused workers' work)
   * @param unanimous whether every kept answer has the same label (false without answers)
   * @param confidence top posterior of the crowd (ignored without answers)
   */
  public static Decision decide(
      String goldLabel, String adjudicatedLabel, int answers, boolean unanimous, double confidence, Thresholds t) {
    if (goldLabel != null) {
      return Decision.GOLD;
    }
    if (adjudicatedLabel != null) {
      return Decision.ADJUDICATED;
    }
    if (answers < t.minAnnotators() || answers == 0) {
      return Decision.PENDING;
    }
    if (unanimous) {
      return Decision.AUTO_APPROVED;
    }
    return confidence >= t.acceptThreshold() ? Decision.ACCEPTED : Decision.ESCALATED;
  }

  /**
   * Why an ESCALATED item is escalated.
   *
   * @param onlyLowQualityWorkers every kept answer is from a low-quality worker
   * @param top the largest posterior
   * @param second the second largest posterior
   */
  public static EscalationReason reason(boolean onlyLowQualityWorkers, double top, double second) {
    if (onlyLowQualityWorkers) {
      return EscalationReason.ONLY_LOW_QUALITY_WORKERS;
    }
    return top - second <= io.annolake.common.aggregation.Posteriors.TIE ? EscalationReason.TIE : EscalationReason.LOW_CONFIDENCE;
  }
}
