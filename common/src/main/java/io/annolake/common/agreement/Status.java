package io.annolake.common.agreement;

/** Whether a coefficient could be computed; a failed one is still reported, with its reason. */
public enum Status {
  /** The value is defined and computed. */
  OK,
  /** The data is valid but the coefficient is 0/0, e.g. a single category observed. */
  UNDEFINED,
  /** Too little data: fewer than two pairable values, items or raters. */
  INSUFFICIENT_DATA,
  /** The labels do not fit the coefficient, e.g. non-numeric labels at the interval level. */
  INVALID_INPUT
}
