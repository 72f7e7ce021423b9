package io.annolake.common.ingest;

import io.annolake.common.config.AnnolakeConfig;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The settings validation applies to landing records.
 *
 * @param defaultProject project id for records without one (--project), or null
 * @param defaultStep step for records without one
 * @param defaultGuidelineVersion guideline version for records without one
 * @param defaultSubmittedAt submitted_at for records without one (start of the logical date)
 * @param latestAllowed a later submitted_at is in the future
 * @param earliestAllowed an earlier timestamp is impossible
 * @param maxDuration a longer started..submitted span is impossible
 */
public record ValidationRules(
    String defaultProject,
    String defaultStep,
    String defaultGuidelineVersion,
    Instant defaultSubmittedAt,
    Instant latestAllowed,
    Instant earliestAllowed,
    Duration maxDuration)
    implements Serializable {

  /** Rules from the {@code annolake.ingest} settings, for a run at {@code now}. */
  public static ValidationRules from(
      AnnolakeConfig config, String defaultProject, LocalDate logicalDate, Instant now) {
    String earliestKey = "annolake.ingest.earliest-timestamp";
    Instant earliest;
    try {
      earliest = Instant.parse(config.string(earliestKey));
    } catch (DateTimeParseException e) {
      AnnolakeConfig.require(
          false, earliestKey, config.string(earliestKey), "not an ISO-8601 instant");
      throw e;
    }
    Duration tolerance = config.duration("annolake.ingest.future-tolerance");
    Duration maxDuration = config.duration("annolake.ingest.max-duration");
    AnnolakeConfig.require(
        !tolerance.isNegative(),
        "annolake.ingest.future-tolerance",
        tolerance,
        "must not be negative");
    AnnolakeConfig.require(
        !maxDuration.isNegative() && !maxDuration.isZero(),
        "annolake.ingest.max-duration",
        maxDuration,
        "must be positive");
    return new ValidationRules(
        defaultProject,
        config.string("annolake.ingest.default-step"),
        config.string("annolake.ingest.default-guideline-version"),
        logicalDate.atStartOfDay().toInstant(ZoneOffset.UTC),
        now.plus(tolerance),
        earliest,
        maxDuration);
  }
}
