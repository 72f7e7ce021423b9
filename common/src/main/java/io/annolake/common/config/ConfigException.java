package io.annolake.common.config;

/** A configuration or usage problem the user must fix; the CLI exits with code 2 for it. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
