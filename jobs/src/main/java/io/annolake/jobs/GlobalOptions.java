package io.annolake.jobs;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class GlobalOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "HOCON settings file (see reference.conf for the keys).")
  public Path conf;

  @Option(
      names = "--lakehouse",
      paramLabel = "DIR",
      description = "Lakehouse root folder or URI (default: annolake.lakehouse.root, ./lakehouse).")
  public String lakehouse;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Run id recorded on every output row (default: generated).")
  public String runId;

  @Option(
      names = "--logical-date",
      paramLabel = "YYYY-MM-DD",
      description = "The date this run is for, as Airflow's logical date (default: today, UTC).")
  public LocalDate logicalDate;

  /**
   * The same options for a job run on behalf of this one (demo, bench): another lakehouse when
   * given, and a run id derived from this one with a suffix.
   */
  public GlobalOptions forJob(String lakehouseOverride, String runIdSuffix) {
    GlobalOptions o = new GlobalOptions();
    o.conf = conf;
    o.lakehouse = lakehouseOverride != null ? lakehouseOverride : lakehouse;
    o.logicalDate = logicalDate;
    o.runId = runId == null ? null : runId + "-" + runIdSuffix;
    return o;
  }

  /**
   * The global flags as arguments for a nested CLI run, without --lakehouse (the caller sets it).
   */
  public java.util.List<String> asArgs() {
    java.util.List<String> args = new java.util.ArrayList<>();
    if (conf != null) {
      args.addAll(java.util.List.of("--conf", conf.toString()));
    }
    if (logicalDate != null) {
      args.addAll(java.util.List.of("--logical-date", logicalDate.toString()));
    }
    if (runId != null) {
      args.addAll(java.util.List.of("--run-id", runId));
    }
    return args;
  }

  /** Settings the global flags override. */
  public Map<String, Object> overrides() {
    Map<String, Object> out = new HashMap<>();
    if (lakehouse != null) {
      out.put("annolake.lakehouse.root", lakehouse);
    }
    return out;
  }
}
