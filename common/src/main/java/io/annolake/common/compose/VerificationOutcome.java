package io.annolake.common.compose;

/** How a verification step's final label reads (composite_labels.verifications[].outcome). */
public enum VerificationOutcome {
  /**
   * The label is one of the accept labels, or the verified step's label is GOLD or ADJUDICATED (a
   * known answer and an expert outrank the verification).
   */
  ACCEPTED,
  /** The label is one of the reject labels: the verified step's item goes back to its queue. */
  REJECTED,
  /** The verification step has no final label yet (no answers, PENDING, ESCALATED, ...). */
  PENDING,
  /** A final label that is neither an accept nor a reject label: the item waits. */
  UNRECOGNIZED
}
