package io.annolake.common.agreement;

import io.annolake.common.config.ConfigException;
import java.util.Locale;

/** Krippendorff's levels of measurement, each with its own difference function. */
public enum Level {
  NOMINAL,
  ORDINAL,
  INTERVAL,
  RATIO;

  /** Parses a level name as the CLI and settings spell it (case-insensitive). */
  public static Level parse(String value, String option) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "Invalid value '"
              + value
              + "' for "
              + option
              + ": expected nominal, ordinal, interval or ratio");
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
