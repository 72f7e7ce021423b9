package io.annolake.common.agreement;

import io.annolake.common.config.AnnolakeConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code annolake.agreement} settings, read and checked up front.
 *
 * @param sliceBy slice dimensions, a subset of {@link #DIMENSIONS} that contains project_id
 * @param levels alpha levels to compute
 * @param resamples bootstrap resamples (0: no intervals)
 * @param seed bootstrap seed
 * @param confidence interval confidence level
 * @param minPairOverlap minimum shared items for a worker pair's Cohen's kappa
 */
public record AgreementSettings(
    List<String> sliceBy,
    List<Level> levels,
    int resamples,
    long seed,
    double confidence,
    int minPairOverlap)
    implements Serializable {
  /** Every slice dimension, in the order of the output columns. */
  public static final List<String> DIMENSIONS =
      List.of("project_id", "step", "guideline_version", "day");

  public AgreementSettings {
    sliceBy = List.copyOf(sliceBy);
    levels = List.copyOf(levels);
    for (String d : sliceBy) {
      AnnolakeConfig.require(
          DIMENSIONS.contains(d),
          "annolake.agreement.slice-by",
          d,
          "expected one of " + DIMENSIONS);
    }
    AnnolakeConfig.require(
        sliceBy.contains("project_id"),
        "annolake.agreement.slice-by",
        sliceBy,
        "must contain project_id");
    AnnolakeConfig.require(
        !levels.isEmpty(), "annolake.agreement.levels", levels, "must name at least one level");
    AnnolakeConfig.require(
        resamples >= 0 && resamples <= 100_000,
        "annolake.agreement.bootstrap-resamples",
        resamples,
        "must be in 0..100000");
    AnnolakeConfig.require(
        confidence > 0 && confidence < 1,
        "annolake.agreement.confidence",
        confidence,
        "must be in (0, 1)");
    AnnolakeConfig.require(
        minPairOverlap >= 1,
        "annolake.agreement.min-pair-overlap",
        minPairOverlap,
        "must be at least 1");
  }

  public static AgreementSettings from(AnnolakeConfig config) {
    List<Level> levels = new ArrayList<>();
    for (String l : config.stringList("annolake.agreement.levels")) {
      levels.add(Level.parse(l, "key 'annolake.agreement.levels'"));
    }
    return new AgreementSettings(
        config.stringList("annolake.agreement.slice-by"),
        levels,
        config.integer("annolake.agreement.bootstrap-resamples"),
        config.longValue("annolake.agreement.bootstrap-seed"),
        config.number("annolake.agreement.confidence"),
        config.integer("annolake.agreement.min-pair-overlap"));
  }

  public boolean slicedBy(String dimension) {
    return sliceBy.contains(dimension);
  }

  public AgreementSettings withLevels(List<Level> newLevels) {
    return new AgreementSettings(sliceBy, newLevels, resamples, seed, confidence, minPairOverlap);
  }

  public AgreementSettings withResamples(int n) {
    return new AgreementSettings(sliceBy, levels, n, seed, confidence, minPairOverlap);
  }
}
