package io.annolake.common.consensus;

/** What the consensus policy decided for an item, in order of precedence. */
public enum Decision {
  /** A gold item: its known answer is the label. */
  GOLD,
  /** An expert adjudicated: the expert's label wins; disagreement with the crowd is recorded. */
  ADJUDICATED,
  /** Fewer answers than the minimum: wait for more. */
  PENDING,
  /**
   * Too few answers under the step's current guideline versions, and some under a version a later
   * one superseded: the item waits for new answers (it is in relabel_queue).
   */
  PENDING_RELABEL,
  /** Every answer gave the same label. */
  AUTO_APPROVED,
  /** The top posterior reaches the accept threshold (posterior policy). */
  ACCEPTED,
  /**
   * The top label holds more than the majority share of the answers, e.g. two of three (votes
   * policy); accepted.
   */
  MAJORITY,
  /** Not clear enough: an expert should decide. */
  ESCALATED
}
