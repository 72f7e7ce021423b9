package io.annolake.common.quality;

/**
 * The numbers the status rules use for one project and step.
 *
 * @param threshold required gold accuracy, in (0, 1]
 * @param minEvidence gold answers needed before a worker is judged at all
 * @param retrainingCount consecutive correct gold answers after a pause that end it
 * @param z normal quantile of the interval's confidence
 */
public record StatusPolicy(double threshold, int minEvidence, int retrainingCount, double z)
    implements java.io.Serializable {
  public StatusPolicy {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("Invalid threshold " + threshold + ": must be in (0, 1]");
    }
    if (minEvidence < 1 || retrainingCount < 1) {
      throw new IllegalArgumentException(
          "Invalid policy: min evidence "
              + minEvidence
              + " and retraining count "
              + retrainingCount
              + " must be >= 1");
    }
  }
}
