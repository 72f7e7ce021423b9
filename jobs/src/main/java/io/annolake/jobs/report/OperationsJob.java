package io.annolake.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.report.OperationsDaily;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake operations}: the operations_daily table (per project, step and day) the report
 * and notebooks read.
 */
@Command(
    name = "operations",
    mixinStandardHelpOptions = true,
    description = {
      "Computes operations_daily per project, step and day up to the logical date: answers and items,",
      "final labels by decision, the three-way outcome (unanimous / majority / escalated), open",
      "escalations by reason and age, revision rate, hours to a final label, cost per accepted label",
      "beside gold accuracy, and pre-label figures per model. Item figures need consensus_labels."
    })
public final class OperationsJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (other projects' rows are kept).")
  String project;

  /** Figures of one run. */
  public record Result(long rows, long days, boolean withItems, Map<String, Long> versions) {
    @Override
    public String toString() {
      return String.format(
          "operations: %,d project/step/day rows over %,d days%s",
          rows, days, withItems ? "" : " (answers only: no consensus_labels yet)");
    }
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> params = JobShell.params("project", project);
    Result result =
        JobShell.run(
            global,
            "operations",
            params,
            Map.of(),
            (run, progress, config) -> run(run, progress, config, project));
    System.out.println(result);
    return 0;
  }

  /**
   * The job: pinned inputs, the daily figures, one overwrite of the days up to the logical date (of
   * the project's rows with --project).
   */
  public static Result run(
      LakehouseRun run, ProgressReporter progress, AnnolakeConfig config, String project) {
    progress.step("computing " + Tables.OPERATIONS_DAILY);
    Dataset<Row> consensus =
        Predicates.onlyProject(run.readPinnedIfExists(Tables.CONSENSUS_LABELS), project);
    Dataset<Row> rows =
        OperationsDaily.compute(
                Predicates.onlyProject(run.readPinned(Tables.ANNOTATIONS), project),
                consensus,
                Predicates.onlyProject(run.readPinnedIfExists(Tables.ESCALATIONS), project),
                Predicates.onlyProject(run.readPinnedIfExists(Tables.GOLD_LABELS), project),
                Predicates.onlyProject(run.readPinnedIfExists(Tables.ADJUDICATIONS), project),
                run.context().logicalDate())
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = rows.count();
      long days = rows.select(OperationsDaily.DAY).distinct().count();
      progress.step("writing " + Tables.OPERATIONS_DAILY);
      // days up to the logical date only: a backfill of an older date keeps the newer days' rows
      java.sql.Date last = java.sql.Date.valueOf(run.context().logicalDate());
      run.overwrite(
          Tables.OPERATIONS_DAILY,
          rows,
          count,
          Predicates.and(
              col(OperationsDaily.DAY).leq(org.apache.spark.sql.functions.lit(last)),
              Predicates.project(project)));
      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(count, days, consensus != null, versions);
    } finally {
      rows.unpersist();
    }
  }
}
