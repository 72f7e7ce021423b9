package io.annolake.common.aggregation;

/** Whether class priors stay uniform or are estimated in each M-step. */
public enum ClassPriors {
  UNIFORM,
  ESTIMATED,
  /**
   * Estimated where the expected class counts support them over uniform by the Bayesian information
   * criterion (2 N KL(counts || uniform) > (K - 1) ln N), else uniform.
   */
  SUPPORTED
}
