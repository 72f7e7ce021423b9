package io.annolake.jobs.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.consensus.MultiLabel;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.provenance.RunContext;
import io.annolake.common.quality.GoldAnswers;
import io.annolake.common.quality.QualitySettings;
import io.annolake.common.quality.StatusTimeline;
import io.annolake.common.quality.WorkerQualityTable;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.Counts;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
 * {@code annolake worker-quality}: gold accuracy per worker, project and step with Wilson
 * intervals, the status machine replayed over time, audited status events, paused workers and
 * gold-set health.
 */
@Command(
    name = "worker-quality",
    mixinStandardHelpOptions = true,
    description = {
      "Judges every worker on the gold items they answered (per project and step, by guideline version),",
      "pauses those proven below the threshold, and appends each status change to worker_status_events",
      "(a rerun never duplicates an event). Writes worker_quality, worker_status_intervals,",
      "paused_workers and gold_item_health."
    })
public final class WorkerQualityJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (other projects' rows are kept).")
  String project;

  @Option(
      names = "--as-of",
      paramLabel = "TIMESTAMP",
      description =
          "Judge on answers submitted up to this instant (ISO-8601, UTC if no zone; a date means its end). Default: end of the logical date.")
  String asOf;

  @Option(
      names = "--reinstate-file",
      paramLabel = "CSV",
      description =
          "Quality leads' reinstatements (project_id,step,worker_id,reinstated_at[,lead_id,note]) landed into worker_reinstatements first.")
  String reinstateFile;

  /** Figures of one run. */
  public record Result(
      Instant asOf,
      long workers,
      long goldAnswers,
      Map<String, Long> statuses,
      long newEvents,
      long paused,
      long goldItemsForReview,
      Map<String, Long> versions) {
    @Override
    public String toString() {
      return String.format(
          "worker-quality as of %s: %,d workers | %,d gold answers | statuses %s | %,d new status events | %,d paused | %,d gold items for review%n  table versions: %s",
          asOf, workers, goldAnswers, statuses, newEvents, paused, goldItemsForReview, versions);
    }
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> params =
        JobShell.params("project", project, "as-of", asOf, "reinstate-file", reinstateFile);
    Result result =
        JobShell.run(
            global,
            "worker-quality",
            params,
            Map.of(),
            (run, progress, config) -> {
              Instant instant = asOf != null ? parseAsOf(asOf) : run.context().endOfLogicalDate();
              return run(run, progress, config, project, instant, reinstateFile);
            });
    System.out.println(result);
    return 0;
  }

  static Instant parseAsOf(String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDateTime.parse(value.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        try {
          return RunContext.endOf(LocalDate.parse(value));
        } catch (DateTimeParseException e) {
          throw new ConfigException(
              "Invalid value '"
                  + value
                  + "' for option '--as-of': expected an ISO-8601 instant, date-time or date");
        }
      }
    }
  }

  /** The job: read pinned inputs up to as-of, compute, write every output with provenance. */
  public static Result run(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      String project,
      Instant asOf,
      String reinstateFile) {
    QualitySettings settings = QualitySettings.from(config);
    if (reinstateFile != null) {
      progress.step("landing reinstatements from " + reinstateFile);
      Reinstatements.land(run, reinstateFile);
    }
    Timestamp cutoff = Timestamp.from(asOf);
    Dataset<Row> annotations =
        Predicates.onlyProject(run.readPinned(Tables.ANNOTATIONS), project)
            .where(col(Columns.SUBMITTED_AT).leq(lit(cutoff)));
    Dataset<Row> gold = Predicates.onlyProject(run.readPinned(Tables.GOLD_LABELS), project);
    Dataset<Row> adjudications =
        settings.adjudicationsAsGold() ? run.readPinnedIfExists(Tables.ADJUDICATIONS) : null;
    if (adjudications != null) {
      adjudications =
          Predicates.onlyProject(adjudications, project)
              .where(col(Columns.DECIDED_AT).leq(lit(cutoff)));
    }
    Dataset<Row> reinstatements = run.readPinnedIfExists(Tables.WORKER_REINSTATEMENTS);
    if (reinstatements != null) {
      reinstatements =
          Predicates.onlyProject(reinstatements, project)
              .where(col(Columns.REINSTATED_AT).leq(lit(cutoff)));
    }

    Dataset<Row> multi = MultiLabel.collectSteps(run.readPinnedIfExists(Tables.LABEL_SCHEMAS));
    if (multi != null) {
      // A multi-label step is judged per label task, as consensus uses its answers: a set is not
      // one category, and a set listed in another order is the same set (docs/OPERATIONS-MODEL.md).
      annotations = MultiLabel.binarize(annotations, multi);
      gold = MultiLabel.binarize(gold, multi);
      adjudications = adjudications == null ? null : MultiLabel.binarize(adjudications, multi);
      reinstatements =
          reinstatements == null ? null : MultiLabel.expandSteps(reinstatements, multi);
    }

    progress.step("judging gold answers");
    Dataset<Row> answers =
        GoldAnswers.of(annotations, gold, adjudications).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> spans =
        StatusTimeline.spans(answers, reinstatements, settings)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> quality =
        WorkerQualityTable.build(annotations, answers, spans, settings, asOf)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long goldAnswers = answers.count();
      Map<String, Long> statuses = Counts.byValue(quality, "status");
      long workers = Counts.total(statuses);

      progress.step("writing " + Tables.WORKER_QUALITY);
      replace(run, Tables.WORKER_QUALITY, quality, project, workers);
      Dataset<Row> intervals = StatusTimeline.intervals(spans);
      replace(run, Tables.WORKER_STATUS_INTERVALS, intervals, project, intervals.count());
      Dataset<Row> paused = WorkerQualityTable.paused(quality);
      long pausedCount = statuses.getOrDefault("PAUSED", 0L);
      replace(run, Tables.PAUSED_WORKERS, paused, project, pausedCount);
      Dataset<Row> health =
          GoldAnswers.itemHealth(answers, gold, settings).persist(StorageLevel.MEMORY_AND_DISK());
      long review;
      try {
        review = health.where(col(Columns.NEEDS_REVIEW)).count();
        replace(run, Tables.GOLD_ITEM_HEALTH, health, project, health.count());
      } finally {
        health.unpersist();
      }

      progress.step("appending " + Tables.WORKER_STATUS_EVENTS);
      long newEvents = appendEvents(run, StatusTimeline.events(spans), asOf);

      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(
          asOf, workers, goldAnswers, statuses, newEvents, pausedCount, review, versions);
    } finally {
      quality.unpersist();
      spans.unpersist();
      answers.unpersist();
    }
  }

  /** Derived tables: replaced whole, or only the project's rows with --project. */
  private static void replace(
      LakehouseRun run, String table, Dataset<Row> rows, String project, long count) {
    if (project == null) {
      run.overwrite(table, rows, count);
    } else {
      run.overwrite(table, rows, count, Predicates.project(project));
    }
  }

  /**
   * Appends the events the log lacks (by their deterministic event_id): a rerun or a retry adds
   * nothing twice. A blind append under the project's run lock, so runs for other projects never
   * conflict with it (a MERGE would read, and so conflict with, every partition).
   */
  private static long appendEvents(LakehouseRun run, Dataset<Row> events, Instant asOf) {
    Dataset<Row> rows =
        events
            .withColumn(Columns.RECORDED_AS_OF, lit(Timestamp.from(asOf)))
            .withColumn(
                Columns.LOGICAL_DATE, lit(java.sql.Date.valueOf(run.context().logicalDate())));
    Dataset<Row> existing =
        run.lakehouse().exists(Tables.WORKER_STATUS_EVENTS)
            ? run.lakehouse().read(Tables.WORKER_STATUS_EVENTS).select(Columns.EVENT_ID)
            : null;
    Dataset<Row> fresh = existing == null ? rows : rows.join(existing, "event_id", "left_anti");
    long count = fresh.count();
    // An empty audit log is created too, so a platform polling it finds the table from day one.
    if (count > 0 || existing == null) {
      run.append(Tables.WORKER_STATUS_EVENTS, fresh, count);
    }
    return count;
  }
}
