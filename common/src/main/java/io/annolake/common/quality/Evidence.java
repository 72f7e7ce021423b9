package io.annolake.common.quality;

import io.annolake.common.stats.Wilson;

/**
 * What the status rules see after a gold answer or a reinstatement.
 *
 * @param answers gold answers in the judging window
 * @param correct of which correct
 * @param ciLow lower Wilson bound (NaN without answers)
 * @param ciHigh upper Wilson bound (NaN without answers)
 * @param streakSincePause consecutive correct gold answers since the pause (0 when not paused)
 * @param reinstated a quality lead's reinstatement record arrived while paused
 */
public record Evidence(
    long answers,
    long correct,
    double ciLow,
    double ciHigh,
    long streakSincePause,
    boolean reinstated) {

  /** Evidence with the Wilson interval computed from the counts. */
  public static Evidence of(
      long answers, long correct, double z, long streakSincePause, boolean reinstated) {
    Wilson.Interval ci = Wilson.interval(correct, answers, z);
    return new Evidence(answers, correct, ci.low(), ci.high(), streakSincePause, reinstated);
  }

  public double accuracy() {
    return answers == 0 ? Double.NaN : (double) correct / answers;
  }
}
