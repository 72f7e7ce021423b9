package io.annolake.common.simulate;

import io.annolake.common.config.ConfigException;
import java.io.Serializable;
import java.time.LocalDate;

/**
 * What to simulate.
 *
 * @param annotations target number of annotation records (the result is within a few percent)
 * @param seed everything is a pure function of the seed
 * @param projects number of projects
 * @param steps decomposition steps per project
 * @param classes K, labels per step
 * @param workers crowd size (0 = scale with the annotations: N/5000 clamped to 50..2000)
 * @param redundancy base answers per item (some items get one fewer or more)
 * @param goldShare share of items with a known answer
 * @param adjudicationShare share of non-gold items an expert adjudicates
 * @param prelabelShare share of items shown with a model pre-label
 * @param prelabelAccuracy accuracy of the model's pre-labels
 * @param badRate share of records made bad on purpose
 * @param startDate first day of the operation (UTC)
 * @param days length of the operation; the guideline changes from v1 to v2 half way
 */
public record SimulatorSettings(
    long annotations,
    long seed,
    int projects,
    int steps,
    int classes,
    int workers,
    int redundancy,
    double goldShare,
    double adjudicationShare,
    double prelabelShare,
    double prelabelAccuracy,
    double badRate,
    LocalDate startDate,
    int days)
    implements Serializable {

  /** Defaults for the given size and seed. */
  public static SimulatorSettings defaults(long annotations, long seed) {
    return new SimulatorSettings(
        annotations, seed, 2, 2, 5, 0, 3, 0.05, 0.02, 0.3, 0.8, 0.01, LocalDate.of(2026, 1, 5), 14);
  }

  public SimulatorSettings {
    check(annotations >= 1, "--annotations", annotations, "must be at least 1");
    check(projects >= 1, "--projects", projects, "must be at least 1");
    check(steps >= 1, "--steps", steps, "must be at least 1");
    check(classes >= 2, "--classes", classes, "must be at least 2");
    check(workers >= 0, "--workers", workers, "must not be negative");
    check(redundancy >= 1, "--redundancy", redundancy, "must be at least 1");
    check(goldShare >= 0 && goldShare <= 1, "--gold-share", goldShare, "must be in [0, 1]");
    check(
        adjudicationShare >= 0 && adjudicationShare <= 1,
        "--adjudication-share",
        adjudicationShare,
        "must be in [0, 1]");
    check(
        prelabelShare >= 0 && prelabelShare <= 1,
        "--prelabel-share",
        prelabelShare,
        "must be in [0, 1]");
    check(
        prelabelAccuracy >= 0 && prelabelAccuracy <= 1,
        "--prelabel-accuracy",
        prelabelAccuracy,
        "must be in [0, 1]");
    check(badRate >= 0 && badRate <= 0.5, "--bad-rate", badRate, "must be in [0, 0.5]");
    check(days >= 1, "--days", days, "must be at least 1");
  }

  private static void check(boolean ok, String option, Object value, String why) {
    if (!ok) {
      throw new ConfigException(
          "Invalid value '" + value + "' for option '" + option + "': " + why);
    }
  }

  /** The crowd size actually used. */
  public int effectiveWorkers() {
    return workers > 0 ? workers : (int) Math.max(50, Math.min(2000, annotations / 5000));
  }

  /** Mean answers per item given the redundancy mix (see {@link CrowdSimulator}). */
  public double meanRedundancy() {
    return redundancy == 1 ? 1.0 + 0.1 + 0.1 : redundancy + 0.1 + 0.1 - 0.05;
  }

  /** Number of (item, step) units to generate. */
  public long units() {
    return Math.max(1, Math.round(annotations / meanRedundancy()));
  }
}
