package io.annolake.common.io;

import io.annolake.common.config.ConfigException;
import java.util.Locale;

/** File formats landing files may come in. */
public enum LandingFormat {
  JSON,
  CSV,
  PARQUET,
  ARROW;

  /** Parses the --format option value. */
  public static LandingFormat parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "json", "jsonl", "ndjson" -> JSON;
      case "csv", "tsv" -> CSV;
      case "parquet" -> PARQUET;
      case "arrow", "ipc", "feather" -> ARROW;
      default ->
          throw new ConfigException(
              "Invalid value '"
                  + value
                  + "' for option '--format': expected json, csv, parquet or arrow");
    };
  }

  /** The format a file name implies, or null when its extension is not one of ours. */
  public static LandingFormat ofFileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) {
      return JSON;
    }
    if (n.endsWith(".csv") || n.endsWith(".tsv")) {
      return CSV;
    }
    if (n.endsWith(".parquet")) {
      return PARQUET;
    }
    if (n.endsWith(".arrow") || n.endsWith(".feather") || n.endsWith(".ipc")) {
      return ARROW;
    }
    return null;
  }

  /** The extension files of this format are written with. */
  public String extension() {
    return switch (this) {
      case JSON -> ".jsonl";
      case CSV -> ".csv";
      case PARQUET -> ".parquet";
      case ARROW -> ".arrow";
    };
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
