package io.annolake.common.snapshot;

import io.annolake.common.config.ConfigException;
import io.annolake.common.consensus.Decision;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a training snapshot selects: one project, optionally one step, final decisions, a minimum
 * confidence, and the version of {@code consensus_labels} to read (latest when neither as-of is
 * given). Validated on construction; each message names the command-line option.
 */
public record SnapshotFilters(
    String project,
    String step,
    Double minConfidence,
    List<String> decisions,
    Long asOfVersion,
    Instant asOfTimestamp) {

  /** Decisions that are final labels by default; MAJORITY joins them once the policy has it. */
  static final List<String> DEFAULT_DECISIONS =
      List.of("GOLD", "ADJUDICATED", "AUTO_APPROVED", "ACCEPTED", "MAJORITY");

  public SnapshotFilters {
    if (project == null || project.isBlank()) {
      throw new ConfigException("Missing value for option '--project'");
    }
    if (minConfidence != null && !(minConfidence >= 0 && minConfidence <= 1)) {
      throw new ConfigException(
          "Invalid value '"
              + minConfidence
              + "' for option '--min-confidence', expected a number in [0, 1]");
    }
    if (asOfVersion != null && asOfTimestamp != null) {
      throw new ConfigException(
          "Invalid options '--as-of-version' and '--as-of-timestamp': give at most one");
    }
    if (asOfVersion != null && asOfVersion < 0) {
      throw new ConfigException(
          "Invalid value '"
              + asOfVersion
              + "' for option '--as-of-version', expected a version >= 0");
    }
    decisions = List.copyOf(new TreeSet<>(decisions == null ? defaultDecisions() : decisions));
    if (decisions.isEmpty()) {
      throw new ConfigException(
          "Invalid value '' for option '--decisions', expected one or more of " + known());
    }
  }

  /** The default decisions this release knows (MAJORITY only when {@link Decision} has it). */
  public static List<String> defaultDecisions() {
    Set<String> known = known();
    return DEFAULT_DECISIONS.stream().filter(known::contains).toList();
  }

  /**
   * Parses {@code D1,D2} (case-insensitive) against {@link Decision}; null gives null (the
   * defaults).
   */
  public static List<String> parseDecisions(String text) {
    if (text == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String d : text.split(",")) {
      String name = d.trim().toUpperCase(java.util.Locale.ROOT);
      if (!known().contains(name)) {
        throw new ConfigException(
            "Invalid value '"
                + d.trim()
                + "' for option '--decisions', expected one or more of "
                + known());
      }
      out.add(name);
    }
    return out;
  }

  /**
   * Parses an instant: ISO-8601 with a zone ({@code 2026-01-20T10:00:00Z}), a local date-time taken
   * as UTC ({@code 2026-01-20T10:00:00} or with a space), or a date (its start, UTC).
   */
  public static Instant parseTimestamp(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim().replace(' ', 'T');
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException ignored) {
      // not an instant with a zone: try the local forms
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // not a local date-time either
    }
    try {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          "Invalid value '"
              + text
              + "' for option '--as-of-timestamp', expected e.g. 2026-01-20T10:00:00Z or 2026-01-20");
    }
  }

  private static Set<String> known() {
    Set<String> names = new TreeSet<>();
    Arrays.stream(Decision.values()).forEach(d -> names.add(d.name()));
    return names;
  }
}
