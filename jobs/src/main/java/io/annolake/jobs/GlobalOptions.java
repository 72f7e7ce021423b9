package io.annolake.jobs;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class GlobalOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON settings file (see reference.conf for the keys).")
  public Path conf;

  @Option(
      names = "--lakehouse",
      paramLabel = "DIR",
      description = "Lakehouse root folder or URI (default: annolake.lakehouse.root, ./lakehouse).")
  public String lakehouse;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id recorded on every output row (default: generated).")
  public String runId;

  @Option(
      names = "--logical-date",
      paramLabel = "YYYY-MM-DD",
      description = "The date this run is for, as Airflow's logical date (default: today, UTC).")
  public LocalDate logicalDate;

  /** Settings the global flags override. */
  public Map<String, Object> overrides() {
    Map<String, Object> out = new HashMap<>();
    if (lakehouse != null) {
      out.put("annolake.lakehouse.root", lakehouse);
    }
    return out;
  }
}
