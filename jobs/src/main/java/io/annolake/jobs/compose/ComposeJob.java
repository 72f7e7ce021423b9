package io.annolake.jobs.compose;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.compose.ComposeSettings;
import io.annolake.common.compose.CompositeLabels;
import io.annolake.common.compose.Pipeline;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RelabelReason;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.Counts;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake compose}: consensus_labels of the steps of each configured pipeline -> {@code
 * composite_labels} (per item: each step's final label, the verification outcome, complete or not),
 * and {@code relabel_queue} rows (reason VERIFICATION_REJECTED) for rejected items.
 */
@Command(
    name = "compose",
    mixinStandardHelpOptions = true,
    description = {
      "Composes each configured project pipeline (annolake.compose.pipelines): per item every step's final",
      "label and decision, the verification outcome and whether the item is complete (composite_labels);",
      "an item whose verification rejected the verified step's label goes back to that step (relabel_queue)."
    })
public final class ComposeJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (its rows are replaced, others kept); it needs a pipeline.")
  String project;

  /** What one run did. */
  public record Result(
      int pipelines,
      long items,
      Map<String, Long> statuses,
      Map<String, Long> verification,
      long sentBack,
      Map<String, Long> versions) {
    @Override
    public String toString() {
      return String.format(
          "compose: %d pipelines, %,d items: %s%n  verification outcomes: %s%n"
              + "  sent back to the verified step (relabel_queue, %s): %,d%n  table versions: %s",
          pipelines,
          items,
          statuses,
          verification,
          RelabelReason.VERIFICATION_REJECTED,
          sentBack,
          versions);
    }
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> params = JobShell.params("project", project);
    Result result =
        JobShell.run(
            global,
            "compose",
            params,
            Map.of(),
            (run, progress, config) -> compose(run, config, project));
    System.out.println(result);
    return 0;
  }

  /** The job: settings checked first, pinned inputs, the composition (pure), two writes. */
  public static Result compose(LakehouseRun run, AnnolakeConfig config, String project) {
    ComposeSettings settings = ComposeSettings.from(config);
    List<Pipeline> pipelines;
    if (project == null) {
      pipelines = List.copyOf(settings.all());
    } else if (settings.pipeline(project) != null) {
      pipelines = List.of(settings.pipeline(project));
    } else {
      throw new ConfigException(
          "Invalid value '"
              + project
              + "' for option '--project': no pipeline configured for it under annolake.compose.pipelines");
    }
    Timestamp cutoff = Timestamp.from(run.context().endOfLogicalDate());
    Dataset<Row> consensus =
        Predicates.onlyProject(run.readPinned(Tables.CONSENSUS_LABELS), project);
    Dataset<Row> guidelines =
        Predicates.onlyProject(run.readPinnedIfExists(Tables.GUIDELINES), project);
    if (guidelines != null) {
      guidelines = guidelines.where(col(Columns.EFFECTIVE_AT).leq(lit(cutoff)));
    }
    Dataset<Row> steps =
        CompositeLabels.stepRows(consensus, CompositeLabels.spec(run.spark(), pipelines))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> composite = null;
    Dataset<Row> relabels = null;
    try {
      composite = CompositeLabels.composite(steps).persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Long> statuses = Counts.byValue(composite, "status");
      Map<String, Long> outcomes = Counts.byValue(composite, "verification_outcome");
      long items = Counts.total(statuses);
      run.overwrite(Tables.COMPOSITE_LABELS, composite, items, Predicates.project(project));
      relabels =
          CompositeLabels.relabels(steps, guidelines).persist(StorageLevel.MEMORY_AND_DISK());
      long sentBack = relabels.count();
      Column mine =
          Predicates.and(
              Predicates.project(project),
              Predicates.equalTo("reason", RelabelReason.VERIFICATION_REJECTED.name()));
      run.overwrite(Tables.RELABEL_QUEUE, relabels, sentBack, mine);
      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(pipelines.size(), items, statuses, outcomes, sentBack, versions);
    } finally {
      steps.unpersist();
      if (composite != null) {
        composite.unpersist();
      }
      if (relabels != null) {
        relabels.unpersist();
      }
    }
  }
}
