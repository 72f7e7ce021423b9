package io.annolake.jobs.maintain;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.TableMaintenance;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake maintain}: the DAG's housekeeping task. On every table (or the ones named) it
 * sets the configured retention ({@code annolake.retention}), compacts small files (OPTIMIZE) and
 * removes files older versions no longer need once the deleted-file retention has passed (VACUUM).
 * Delta itself drops log entries older than the log retention at its next checkpoint.
 */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Sets delta.logRetentionDuration and delta.deletedFileRetentionDuration on every table from",
      "annolake.retention, then OPTIMIZE and VACUUM (with that retention). Time travel reaches back",
      "as far as both retentions allow (docs/PRIVACY.md)."
    })
public final class MaintainJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description = "Only this table (repeatable; default: every table).")
  List<String> only = new ArrayList<>();

  @Option(names = "--skip-optimize", description = "Only retention and VACUUM.")
  boolean skipOptimize;

  /** Per table: whether its retention changed, files compacted. */
  public record Result(
      List<String> retentionSet, Map<String, Long> filesCompacted, List<String> vacuumed) {
    @Override
    public String toString() {
      return String.format(
          "maintain: retention set on %s | OPTIMIZE compacted %s files | VACUUM on %d tables",
          retentionSet, filesCompacted, vacuumed.size());
    }
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> params =
        JobShell.params(
            "tables", only.isEmpty() ? null : String.join(",", only), "optimize", !skipOptimize);
    Result result =
        JobShell.run(
            global,
            "maintain",
            params,
            Map.of(),
            (run, progress, config) -> maintain(run, progress, config, only, !skipOptimize));
    System.out.println(result);
    return 0;
  }

  /** The job. */
  public static Result maintain(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      List<String> only,
      boolean optimize) {
    TableMaintenance maintenance = new TableMaintenance(run.lakehouse());
    TableMaintenance.Retention retention = TableMaintenance.Retention.from(config);
    List<String> all = maintenance.tables();
    for (String t : only) {
      if (!all.contains(t)) {
        throw new ConfigException(
            "Invalid value '"
                + t
                + "' for option '--table': no such table under "
                + run.lakehouse().root());
      }
    }
    List<String> tables = only.isEmpty() ? all : only;
    List<String> set = new ArrayList<>();
    Map<String, Long> compacted = new LinkedHashMap<>();
    for (String table : tables) {
      progress.step("maintaining " + table);
      if (maintenance.setRetention(table, retention)) {
        set.add(table);
      }
      if (optimize) {
        long files = maintenance.optimize(table);
        if (files > 0) {
          compacted.put(table, files);
        }
      }
      maintenance.vacuum(table);
    }
    return new Result(set, compacted, tables);
  }
}
