package io.annolake.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigException.Missing;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resolved configuration: reference.conf defaults, then an optional file, then overrides.
 *
 * <p>Every key is validated up front against reference.conf: an unknown key or a value of the wrong
 * type is a {@link ConfigException} that names the key.
 */
public final class AnnolakeConfig {
  private static final String ROOT = "annolake";

  /** Subtrees whose keys are free-form and not checked against the reference. */
  private static final String[] OPEN_SUBTREES = {
    "annolake.spark.extra",
    "annolake.quality.threshold-overrides",
    "annolake.anomalies.timing.min-duration-overrides",
    "annolake.compose.pipelines"
  };

  private final Config config;
  private final String origin;

  private AnnolakeConfig(Config config, String origin) {
    this.config = config;
    this.origin = origin;
  }

  /** Defaults only (reference.conf and an application.conf on the classpath, if any). */
  public static AnnolakeConfig defaults() {
    return load(null, Map.of());
  }

  /**
   * Loads the configuration.
   *
   * @param file a HOCON file given with --conf, or null
   * @param overrides dotted keys to values, applied last (command-line flags)
   */
  public static AnnolakeConfig load(Path file, Map<String, Object> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config user = ConfigFactory.empty();
    String origin = "defaults";
    // The launcher's site defaults (conf/application.conf), below --conf.
    String site = System.getProperty("annolake.site-conf");
    if (site != null && Files.isRegularFile(Path.of(site))) {
      Config siteConfig = ConfigFactory.parseFile(Path.of(site).toFile());
      rejectUnknownKeys(siteConfig, reference, site);
      user = siteConfig;
      origin = site;
    }
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("Invalid value '" + file + "' for option '--conf': no such file");
      }
      try {
        Config fromFile =
            ConfigFactory.parseFile(
                file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        rejectUnknownKeys(fromFile, reference, file.toString());
        user = fromFile.withFallback(user);
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException(
            "Cannot parse configuration file " + file + ": " + e.getMessage(), e);
      }
      origin = file.toString();
    }
    Config overrideConfig = ConfigFactory.parseMap(overrides, "command-line options");
    Config merged;
    try {
      merged = overrideConfig.withFallback(user).withFallback(reference).resolve();
      merged.checkValid(reference, ROOT);
      checkTypes(merged, reference);
    } catch (com.typesafe.config.ConfigException.ValidationFailed e) {
      StringBuilder message = new StringBuilder("Invalid configuration in " + origin + ":");
      e.problems()
          .forEach(
              p ->
                  message
                      .append(" key '")
                      .append(p.path())
                      .append("': ")
                      .append(p.problem())
                      .append(';'));
      throw new ConfigException(message.toString(), e);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("Invalid configuration in " + origin + ": " + e.getMessage(), e);
    }
    return new AnnolakeConfig(merged, origin);
  }

  /** checkValid accepts any string where a number is expected; read numbers and booleans now. */
  private static void checkTypes(Config merged, Config reference) {
    for (Map.Entry<String, ConfigValue> entry : reference.entrySet()) {
      String key = entry.getKey();
      if (!key.startsWith(ROOT + ".")) {
        continue;
      }
      switch (entry.getValue().valueType()) {
        case NUMBER -> merged.getNumber(key);
        case BOOLEAN -> merged.getBoolean(key);
        default -> {}
      }
    }
  }

  private static void rejectUnknownKeys(Config user, Config reference, String origin) {
    for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
      String key = entry.getKey();
      if (!key.startsWith(ROOT + ".")) {
        throw new ConfigException(
            "Unknown configuration key '"
                + key
                + "' in "
                + origin
                + ": every key lives under '"
                + ROOT
                + "'");
      }
      boolean open = false;
      for (String subtree : OPEN_SUBTREES) {
        open |= key.startsWith(subtree + ".");
      }
      if (!open && !reference.hasPathOrNull(key)) {
        throw new ConfigException(
            "Unknown configuration key '"
                + key
                + "' in "
                + origin
                + " (see reference.conf for the keys)");
      }
    }
  }

  public String origin() {
    return origin;
  }

  public String string(String key) {
    return read(key, () -> config.getString(key));
  }

  public int integer(String key) {
    return read(key, () -> config.getInt(key));
  }

  public long longValue(String key) {
    return read(key, () -> config.getLong(key));
  }

  public double number(String key) {
    return read(key, () -> config.getDouble(key));
  }

  public boolean bool(String key) {
    return read(key, () -> config.getBoolean(key));
  }

  public java.util.List<String> stringList(String key) {
    return read(key, () -> config.getStringList(key));
  }

  public Duration duration(String key) {
    return read(key, () -> config.getDuration(key));
  }

  /** A free-form subtree flattened to dotted keys and string values. */
  public Map<String, String> stringMap(String key) {
    Map<String, String> out = new TreeMap<>();
    read(key, () -> config.getConfig(key))
        .entrySet()
        .forEach(
            e -> out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped())));
    return out;
  }

  /**
   * A free-form subtree as plain Java values (maps, lists, strings, numbers, booleans), for
   * settings with nested entries that their own parser validates key by key.
   */
  public Map<String, Object> tree(String key) {
    return read(key, () -> config.getConfig(key).root().unwrapped());
  }

  /** A cross-field or range check: throws a message naming the key when the condition fails. */
  public static void require(boolean condition, String key, Object value, String why) {
    if (!condition) {
      throw new ConfigException("Invalid value '" + value + "' for key '" + key + "': " + why);
    }
  }

  /** A short, stable hash of the resolved annolake settings, recorded with every run. */
  public String hash() {
    String rendered =
        config.getConfig(ROOT).root().render(ConfigRenderOptions.concise().setJson(true));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Reader<T> {
    T get();
  }

  private <T> T read(String key, Reader<T> reader) {
    try {
      return reader.get();
    } catch (WrongType | BadValue e) {
      throw new ConfigException(
          "Invalid value for key '" + key + "' (" + origin + "): " + e.getMessage(), e);
    } catch (Missing e) {
      throw new ConfigException("Missing configuration key '" + key + "'", e);
    }
  }
}
