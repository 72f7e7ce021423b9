package io.annolake.jobs.routing;

import static io.annolake.common.io.Predicates.onlyProject;

import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.quality.WorkerRouting;
import io.annolake.common.schema.Tables;
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
 * {@code annolake routing}: worker_quality + worker_skills (+ anomaly_flags) -> {@code
 * worker_routing}, the active workers of each step ranked per class by demonstrated strength.
 */
@Command(
    name = "routing",
    mixinStandardHelpOptions = true,
    description = {
      "Ranks the active workers of every project, step and class by gold accuracy on the class shrunk",
      "toward the fitted recall (worker_skills); paused and HIGH-flagged workers are left out. Writes worker_routing."
    })
public final class WorkerRoutingJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (its rows are replaced, others kept).")
  String project;

  /** What one run did. */
  public record Result(long rows, Map<String, Long> versions) {
    @Override
    public String toString() {
      return String.format(
          "routing: %,d worker_routing rows%n  table versions: %s", rows, versions);
    }
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> params = project == null ? Map.of() : Map.of("project", project);
    Result result =
        JobShell.run(
            global, "routing", params, Map.of(), (run, progress, config) -> routing(run, project));
    System.out.println(result);
    return 0;
  }

  /** The job: pinned inputs, the ranking (pure), one write. */
  public static Result routing(LakehouseRun run, String project) {
    Dataset<Row> rows =
        WorkerRouting.rank(
                onlyProject(run.readPinned(Tables.WORKER_QUALITY), project),
                onlyProject(run.readPinned(Tables.WORKER_SKILLS), project),
                onlyProject(run.readPinnedIfExists(Tables.ANOMALY_FLAGS), project))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = rows.count();
      run.overwrite(
          Tables.WORKER_ROUTING, rows, count, project == null ? null : Predicates.project(project));
      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(count, versions);
    } finally {
      rows.unpersist();
    }
  }
}
