package io.annolake.common.schema;

/**
 * Why an item is in {@code relabel_queue} (its {@code reason} column); each reason's rows are
 * written by one job, which replaces only its own.
 */
public enum RelabelReason {
  /** consensus: answers under a superseded guideline version left too few under current ones. */
  SUPERSEDED_ANSWERS,
  /** compose: a verification step rejected the verified step's label. */
  VERIFICATION_REJECTED
}
