package io.annolake.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.PipelineRuns;
import io.annolake.common.io.Predicates;
import io.annolake.common.privacy.WorkerPseudonyms;
import io.annolake.common.report.Charts;
import io.annolake.common.report.Display;
import io.annolake.common.report.OperationsDaily;
import io.annolake.common.report.ReportData;
import io.annolake.common.report.ReportPages;
import io.annolake.common.report.ReportSite;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.schema.rows.PipelineRunRow;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake report}: the quality report, a static site with a page per project, from the
 * derived tables.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the quality report as a static site (index.html and a page per project; no server, no",
      "network) from the derived tables at their current versions: labeling status and outcome,",
      "escalation backlog, edge cases, gold accuracy and worker status, agreement, anomaly flags and operations,",
      "with trends over the last --days days and a provenance footer. A section whose table does not",
      "exist yet says so. Default folder: <lakehouse>/_reports/<logical date>/."
    })
public final class ReportJob implements Callable<Integer> {
  /** The tables the report reads (annotations are never read). */
  static final List<String> READS =
      List.of(
          Tables.OPERATIONS_DAILY,
          Tables.CONSENSUS_LABELS,
          Tables.ESCALATIONS,
          Tables.EDGE_CASES,
          Tables.WORKER_QUALITY,
          Tables.PAUSED_WORKERS,
          Tables.WORKER_STATUS_EVENTS,
          Tables.WORKER_REINSTATEMENTS,
          Tables.GOLD_ITEM_HEALTH,
          Tables.AGREEMENT_SUMMARY,
          Tables.ITEM_AGREEMENT,
          Tables.ANOMALY_FLAGS);

  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project's page (the index lists it alone).")
  String project;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "28",
      description = "Days in the trends, ending with the logical date (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Folder for the site (default: <lakehouse>/_reports/<logical date>/; required when the lakehouse is not on a local file system).")
  Path out;

  /** What was written. */
  public record Result(Path index, int pages, Map<String, Long> tablesRead) {
    @Override
    public String toString() {
      return String.format(
          "report: %d project page%s and index at %s", pages, pages == 1 ? "" : "s", index);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (days < 1) {
      throw new ConfigException(
          "Invalid value '" + days + "' for option '--days': must be at least 1");
    }
    // the pages' privacy check before Spark starts: a missing key is exit 2 in a second, not 20
    WorkerPseudonyms.atBoundary(JobShell.config(global, Map.of()));
    Map<String, String> params = JobShell.params("project", project, "days", days, "out", out);
    Result result =
        JobShell.run(
            global,
            "report",
            params,
            Map.of(),
            (run, progress, config) -> run(run, progress, config, project, days, out));
    System.out.println(result);
    return 0;
  }

  /** The job: read the derived tables pinned, build the pages, write the site. */
  public static Result run(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      String project,
      int days,
      Path out) {
    Path dir = out != null ? out : defaultFolder(run);
    // A boundary: the pages show pseudonyms of worker, expert and lead ids (docs/PRIVACY.md); exit
    // 2 without a key.
    WorkerPseudonyms pseudonyms = WorkerPseudonyms.atBoundary(config);
    // the report's queries run over every project they read: with --project, that one only
    Function<String, Dataset<Row>> read =
        table -> {
          Dataset<Row> rows = Predicates.onlyProject(run.readPinnedIfExists(table), project);
          return rows == null || pseudonyms == null ? rows : pseudonyms.apply(rows);
        };
    ReportData data = new ReportData(read, run.context().logicalDate(), days, 100);
    progress.step("reading the derived tables");
    READS.forEach(
        run::readPinnedIfExists); // pins every table the report reads, present or not, for the
    // footer
    List<String> projects = project != null ? List.of(project) : data.projects();
    List<ReportPages.ProjectLink> links = new ArrayList<>();
    List<ReportPages.ProjectPage> pages = new ArrayList<>();
    for (String p : projects) {
      progress.step("project " + Display.text(p));
      links.add(new ReportPages.ProjectLink(p, ReportSite.projectFile(p), data.headline(p)));
      pages.add(
          new ReportPages.ProjectPage(
              "", p, run.context().logicalDate().toString(), days, data.sections(p), null));
    }
    List<ReportPages.Chart> indexCharts = indexCharts(run, projects, days);
    ReportPages.Provenance provenance = provenance(run);
    String title = "annolake quality report";
    List<ReportPages.ProjectPage> withProvenance =
        pages.stream()
            .map(
                pg ->
                    new ReportPages.ProjectPage(
                        title, pg.projectId(), pg.logicalDate(), days, pg.sections(), provenance))
            .toList();
    ReportPages.Index index =
        new ReportPages.Index(
            title,
            run.context().logicalDate().toString(),
            days,
            ReportData.INDEX_HEADERS,
            links,
            indexCharts,
            provenance);
    progress.step("writing the site to " + dir);
    Path written = ReportSite.write(dir, index, withProvenance);
    return new Result(written.toAbsolutePath(), pages.size(), run.inputs());
  }

  /** {@code <lakehouse>/_reports/<logical date>} when the lakehouse is a local folder. */
  static Path defaultFolder(LakehouseRun run) {
    String root = run.lakehouse().root();
    Path base;
    if (root.startsWith("file:")) {
      base = Path.of(URI.create(root));
    } else if (root.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw new ConfigException(
          "Invalid value for option '--out': required when the lakehouse ("
              + root
              + ") is not a local folder");
    } else {
      base = Path.of(root);
    }
    return base.resolve("_reports")
        .resolve(run.context().logicalDate().toString())
        .toAbsolutePath();
  }

  /** Answers per day and project, when operations_daily exists. */
  private static List<ReportPages.Chart> indexCharts(
      LakehouseRun run, List<String> projects, int days) {
    Dataset<Row> ops = run.readPinnedIfExists(Tables.OPERATIONS_DAILY);
    if (ops == null || projects.isEmpty()) {
      return List.of();
    }
    java.sql.Date last = java.sql.Date.valueOf(run.context().logicalDate());
    java.sql.Date first = java.sql.Date.valueOf(run.context().logicalDate().minusDays(days - 1L));
    List<Row> rows =
        ops.where(
                col(OperationsDaily.DAY)
                    .between(lit(first), lit(last))
                    .and(col(Columns.PROJECT_ID).isin(projects.toArray())))
            .groupBy(col(Columns.PROJECT_ID), col(OperationsDaily.DAY))
            .agg(sum(OperationsDaily.ANSWERS).as(Columns.ANSWERS))
            .orderBy(OperationsDaily.DAY)
            .collectAsList();
    List<String> x =
        new ArrayList<>(
            new TreeSet<>(
                rows.stream().map(r -> r.getAs(OperationsDaily.DAY).toString()).toList()));
    Map<String, List<Double>> series = new TreeMap<>();
    for (Row r : rows) {
      series
          .computeIfAbsent(
              Display.text(r.getAs(Columns.PROJECT_ID)),
              k -> new ArrayList<>(java.util.Collections.nCopies(x.size(), (Double) null)))
          .set(
              x.indexOf(r.getAs(OperationsDaily.DAY).toString()),
              r.getAs(Columns.ANSWERS) == null
                  ? null
                  : r.<Number>getAs(Columns.ANSWERS).doubleValue());
    }
    return List.of(
        Charts.lines(
            "index-answers", "Answers per day and project (last " + days + " days)", x, series));
  }

  /** Every table read at its version, with the run (from pipeline_runs) that wrote that version. */
  static ReportPages.Provenance provenance(LakehouseRun run) {
    Map<String, Long> inputs = new TreeMap<>(run.inputs());
    Dataset<Row> runs = run.readPinnedIfExists(Tables.PIPELINE_RUNS);
    Map<String, String[]> writers = new TreeMap<>();
    if (runs != null) {
      for (PipelineRunRow r :
          PipelineRunRow.READER.collect(
              runs.where(col(Columns.STATUS).equalTo(lit(PipelineRuns.SUCCEEDED))))) {
        for (PipelineRunRow.Output o : r.outputs()) {
          if (inputs.getOrDefault(o.tableName(), -2L) == o.versionAfter()) {
            writers.put(o.tableName(), new String[] {r.runId(), r.job(), r.codeVersion()});
          }
        }
      }
    }
    List<ReportPages.TableRead> reads = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    inputs.forEach(
        (table, version) -> {
          if (version < 0) {
            absent.add(table);
          } else {
            String[] w = writers.get(table);
            reads.add(
                new ReportPages.TableRead(
                    table,
                    version,
                    w == null ? null : w[0],
                    w == null ? null : w[1],
                    w == null ? null : w[2]));
          }
        });
    return new ReportPages.Provenance(
        run.context().runId(),
        run.context().logicalDate().toString(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        run.context().codeVersion(),
        run.context().configHash(),
        reads,
        absent);
  }
}
