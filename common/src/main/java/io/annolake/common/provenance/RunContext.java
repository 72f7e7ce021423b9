package io.annolake.common.provenance;

import io.annolake.common.privacy.Redaction;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * Who is running what: the run id every output row carries, and the context every Delta commit
 * records as userMetadata.
 *
 * @param runId unique per run (Airflow passes its own)
 * @param job the job's command name, e.g. {@code ingest}
 * @param logicalDate the date the run is for (Airflow's logical date), default today in UTC
 * @param codeVersion the annolake version (and git commit when known)
 * @param configHash hash of the resolved settings
 * @param startedAt when the run started
 * @param params the run's options, as given, with credentials in URIs removed ({@link Redaction})
 */
public record RunContext(
    String runId,
    String job,
    LocalDate logicalDate,
    String codeVersion,
    String configHash,
    Instant startedAt,
    Map<String, String> params) {

  /** A context with a fresh run id when none is given. */
  public static RunContext create(
      String runId,
      String job,
      LocalDate logicalDate,
      String configHash,
      Map<String, String> params) {
    Instant now = Instant.now();
    LocalDate date = logicalDate != null ? logicalDate : LocalDate.now(ZoneOffset.UTC);
    String id =
        runId != null && !runId.isBlank()
            ? runId
            : job
                + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                    .withZone(ZoneOffset.UTC)
                    .format(now)
                + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    return new RunContext(
        id, job, date, currentCodeVersion(), configHash, now, Map.copyOf(Redaction.params(params)));
  }

  /**
   * The end of the logical date (its last microsecond, UTC; Spark timestamps have microsecond
   * precision): a run for date D reads the answers submitted up to here.
   */
  public Instant endOfLogicalDate() {
    return endOf(logicalDate);
  }

  /** The last microsecond of a UTC date. */
  public static Instant endOf(LocalDate date) {
    return date.plusDays(1)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant()
        .minus(1, java.time.temporal.ChronoUnit.MICROS);
  }

  /**
   * The code version: -Dannolake.code.version when given, else the manifest of the jar this class
   * runs from ({@code 0.1.0-SNAPSHOT+270c710}, "-dirty" when built with local changes; the build
   * writes it), else "dev" (classes outside a jar, as in the tests).
   */
  public static String currentCodeVersion() {
    String given = System.getProperty("annolake.code.version");
    if (given != null && !given.isBlank()) {
      return given;
    }
    Manifest manifest = jarManifest(RunContext.class);
    return manifest == null ? "dev" : codeVersion(manifest.getMainAttributes());
  }

  /**
   * The version and commit a jar's manifest names, e.g. {@code 0.1.0+270c710}; "dev" without a
   * version.
   */
  static String codeVersion(Attributes attributes) {
    String version = attributes.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
    String commit = attributes.getValue(COMMIT_ATTRIBUTE);
    if (version == null || version.isBlank()) {
      return "dev";
    }
    // An unfilled placeholder means the build saw no git repository.
    return commit == null || commit.isBlank() || commit.startsWith("${")
        ? version
        : version + "+" + commit;
  }

  /** Manifest attribute holding the git commit the jar was built from. */
  static final String COMMIT_ATTRIBUTE = "Annolake-Commit";

  private static Manifest jarManifest(Class<?> type) {
    URL url = type.getResource(type.getSimpleName() + ".class");
    if (url == null || !"jar".equals(url.getProtocol())) {
      return null;
    }
    try {
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      return connection.getManifest();
    } catch (IOException e) {
      return null;
    }
  }
}
