package io.annolake.jobs.edgecase;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.edgecase.EdgeCases;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.Counts;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.sql.Timestamp;
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
 * {@code annolake edge-cases}: annotator_questions + adjudications + guidelines + escalations +
 * consensus_labels -> {@code edge_cases}, the library of hard items with their resolution and
 * status.
 */
@Command(
    name = "edge-cases",
    mixinStandardHelpOptions = true,
    description = {
      "Builds the edge-case library: one row per item an annotator asked about (ingest --kind flag),",
      "an expert decided with a rationale, or consensus escalated; with the questions, the resolution,",
      "the guideline version it was raised under and its status (OPEN, RESOLVED, FOLDED into a later",
      "guideline version). Inputs up to the end of the logical date. Writes edge_cases."
    })
public final class EdgeCasesJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (its rows are replaced, others kept).")
  String project;

  /** What one run did. */
  public record Result(long rows, Map<String, Long> byStatus, Map<String, Long> versions) {
    @Override
    public String toString() {
      return String.format(
          "edge-cases: %,d edge_cases rows %s%n  table versions: %s", rows, byStatus, versions);
    }
  }

  @Override
  public Integer call() throws Exception {
    Result result =
        JobShell.run(
            global,
            "edge-cases",
            JobShell.params("project", project),
            Map.of(),
            (run, progress, config) -> edgeCases(run, project));
    System.out.println(result);
    return 0;
  }

  /** The job: pinned inputs cut to the logical date, the library (pure), one write. */
  public static Result edgeCases(LakehouseRun run, String project) {
    // what the logical date knew: a backfill sees what its date saw
    Timestamp cutoff = Timestamp.from(run.context().endOfLogicalDate());
    EdgeCases.Inputs inputs =
        new EdgeCases.Inputs(
            until(read(run, Tables.ANNOTATOR_QUESTIONS, project), "raised_at", cutoff),
            until(read(run, Tables.ADJUDICATIONS, project), "decided_at", cutoff),
            until(read(run, Tables.GUIDELINES, project), "effective_at", cutoff),
            read(run, Tables.ESCALATIONS, project),
            read(run, Tables.CONSENSUS_LABELS, project));
    Dataset<Row> rows =
        EdgeCases.build(run.spark(), inputs).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> byStatus = Counts.byValue(rows, "status");
      long count = Counts.total(byStatus);
      run.overwrite(Tables.EDGE_CASES, rows, count, Predicates.project(project));
      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(count, byStatus, versions);
    } finally {
      rows.unpersist();
    }
  }

  private static Dataset<Row> read(LakehouseRun run, String table, String project) {
    return Predicates.onlyProject(run.readPinnedIfExists(table), project);
  }

  private static Dataset<Row> until(Dataset<Row> table, String column, Timestamp cutoff) {
    return table == null ? null : table.where(col(column).leq(lit(cutoff)));
  }
}
