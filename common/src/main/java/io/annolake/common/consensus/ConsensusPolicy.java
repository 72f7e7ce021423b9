package io.annolake.common.consensus;

import java.io.Serializable;

/**
 * The decision policy, per project and step: gold item -> GOLD; expert adjudication -> ADJUDICATED
 * (wins; its disagreement with the crowd label is recorded); fewer answers than the minimum ->
 * PENDING; every answer the same -> AUTO_APPROVED. Then, under {@link DecisionPolicy#POSTERIOR}:
 * top posterior at or above the accept threshold -> ACCEPTED; under {@link DecisionPolicy#VOTES}:
 * the top label holds more than the majority share of the answers (two of three at the default 0.5)
 * -> MAJORITY; otherwise ESCALATED, with the reason an expert should look. Thresholds come from the
 * latest guideline version of the project's label schema, else from the settings.
 *
 * <p>Pure functions of one item's facts: the Spark side calls them inside the partitions that hold
 * the item's answers, so deciding needs no join.
 */
public final class ConsensusPolicy {
  private ConsensusPolicy() {}

  /** The method that produced the posteriors, recorded on every row. */
  public record Method(String name, String paramsHash, String paramsJson) implements Serializable {}

  /**
   * A project and step's rule.
   *
   * @param minAnnotators answers needed before anything but PENDING
   * @param acceptThreshold top posterior for ACCEPTED (posterior policy)
   * @param policy votes or posterior
   * @param majorityShare MAJORITY needs the top label's answers to be more than this share (votes
   *     policy)
   */
  public record Thresholds(
      int minAnnotators, double acceptThreshold, DecisionPolicy policy, double majorityShare)
      implements Serializable {
    /** The posterior policy's thresholds. */
    public Thresholds(int minAnnotators, double acceptThreshold) {
      this(minAnnotators, acceptThreshold, DecisionPolicy.POSTERIOR, 0.5);
    }
  }

  /** Why an item is escalated (the escalations table's {@code reason}), most specific first. */
  public enum EscalationReason {
    /** Every kept answer comes from a worker the model rates below the low-quality accuracy. */
    ONLY_LOW_QUALITY_WORKERS,
    /** The two most probable labels are equally probable: the crowd is split. */
    TIE,
    /** The top posterior is below the accept threshold. */
    LOW_CONFIDENCE,
    /** No label holds more than the majority share of the answers (votes policy). */
    NO_MAJORITY
  }

  /**
   * Decides one item under its task's policy.
   *
   * @param goldLabel the item's known answer, or null
   * @param adjudicatedLabel the expert's latest label, or null
   * @param answers answers kept (after exclusions)
   * @param topVotes answers that gave the most frequent label (0 without answers)
   * @param confidence top posterior of the crowd (read by the posterior policy only)
   */
  public static Decision decide(
      String goldLabel,
      String adjudicatedLabel,
      int answers,
      int topVotes,
      double confidence,
      Thresholds t) {
    return decide(goldLabel, adjudicatedLabel, answers, topVotes, confidence, 0, t);
  }

  /**
   * Decides one item with answers under superseded guideline versions left out: too few kept
   * answers is PENDING_RELABEL rather than PENDING when any were superseded ({@link
   * GuidelineVersions}).
   *
   * @param superseded the item's answers under superseded guideline versions (not in {@code
   *     answers})
   */
  public static Decision decide(
      String goldLabel,
      String adjudicatedLabel,
      int answers,
      int topVotes,
      double confidence,
      int superseded,
      Thresholds t) {
    boolean unanimous = answers > 0 && topVotes == answers;
    Decision settled = settled(goldLabel, adjudicatedLabel, answers, unanimous, t);
    if (settled == Decision.PENDING && superseded > 0) {
      return Decision.PENDING_RELABEL;
    }
    if (t.policy() == DecisionPolicy.POSTERIOR) {
      return decide(goldLabel, adjudicatedLabel, answers, unanimous, confidence, t);
    }
    if (settled != null) {
      return settled;
    }
    return majority(answers, topVotes, t.majorityShare()) ? Decision.MAJORITY : Decision.ESCALATED;
  }

  /**
   * Whether the top label's answers are more than {@code share} of all answers (strictly: 2 of 4 at
   * 0.5 is no majority; the tolerance keeps 3 of 5 at 0.6 from passing by floating-point rounding).
   */
  public static boolean majority(int answers, int topVotes, double share) {
    return topVotes > share * answers + 1e-9;
  }

  /**
   * Decides one item under the posterior policy.
   *
   * @param goldLabel the item's known answer, or null
   * @param adjudicatedLabel the expert's latest label, or null
   * @param answers answers kept (after excluding paused workers' work)
   * @param unanimous whether every kept answer has the same label (false without answers)
   * @param confidence top posterior of the crowd (ignored without answers)
   */
  public static Decision decide(
      String goldLabel,
      String adjudicatedLabel,
      int answers,
      boolean unanimous,
      double confidence,
      Thresholds t) {
    Decision settled = settled(goldLabel, adjudicatedLabel, answers, unanimous, t);
    if (settled != null) {
      return settled;
    }
    return confidence >= t.acceptThreshold() ? Decision.ACCEPTED : Decision.ESCALATED;
  }

  /**
   * What every policy decides alike (gold, adjudication, too few answers, unanimity), else null.
   */
  private static Decision settled(
      String goldLabel, String adjudicatedLabel, int answers, boolean unanimous, Thresholds t) {
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
    return null;
  }

  /**
   * Why an ESCALATED item is escalated.
   *
   * @param onlyLowQualityWorkers every kept answer is from a low-quality worker
   * @param top the largest posterior
   * @param second the second largest posterior
   */
  public static EscalationReason reason(boolean onlyLowQualityWorkers, double top, double second) {
    return reason(DecisionPolicy.POSTERIOR, onlyLowQualityWorkers, top, second);
  }

  /**
   * Why an ESCALATED item is escalated under its task's policy (votes: the answers gave no
   * majority).
   */
  public static EscalationReason reason(
      DecisionPolicy policy, boolean onlyLowQualityWorkers, double top, double second) {
    if (policy == DecisionPolicy.VOTES && !onlyLowQualityWorkers) {
      return EscalationReason.NO_MAJORITY;
    }
    if (onlyLowQualityWorkers) {
      return EscalationReason.ONLY_LOW_QUALITY_WORKERS;
    }
    return top - second <= io.annolake.common.aggregation.Posteriors.TIE
        ? EscalationReason.TIE
        : EscalationReason.LOW_CONFIDENCE;
  }
}
