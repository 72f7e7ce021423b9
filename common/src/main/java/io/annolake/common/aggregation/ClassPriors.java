package io.annolake.common.aggregation;

/** Whether class priors stay uniform or are estimated in each M-step. */
public enum ClassPriors {
  UNIFORM,
  ESTIMATED
}
