package io.annolake.jobs.consensus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.consensus.ConsensusComputation;
import io.annolake.common.consensus.ConsensusPolicy;
import io.annolake.common.consensus.ConsensusSettings;
import io.annolake.common.consensus.Decision;
import io.annolake.common.consensus.DecisionCounts;
import io.annolake.common.consensus.FlagExclusions;
import io.annolake.common.consensus.MethodParams;
import io.annolake.common.consensus.MultiLabel;
import io.annolake.common.consensus.TaskFit;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RelabelReason;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.Counts;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import io.annolake.jobs.JobSteps;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake consensus}: silver annotations -> a label per item with its confidence and
 * decision ({@code consensus_labels}), items for experts ({@code escalations}), and per-worker
 * confusion matrices ({@code worker_skills}).
 */
@Command(
    name = "consensus",
    mixinStandardHelpOptions = true,
    description = {
      "Aggregates the answers of every project and step into one label per item (mv, wmv, wawa, ds,",
      "ocds, glad, mace, bds; auto picks one per project and step by its gold), applies the decision policy (gold, adjudication, pending, auto-approved, accepted,",
      "escalated) and writes consensus_labels, escalations and worker_skills."
    })
public final class ConsensusJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--method",
      paramLabel = "NAME",
      description =
          "mv, wmv, wawa, ds, ocds, glad, mace, bds or auto (default: annolake.consensus.method).")
  String method;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (its rows are replaced, others kept).")
  String project;

  /** What one run did. */
  public record Result(
      String method,
      String paramsHash,
      int tasks,
      long items,
      Map<String, Long> decisions,
      Map<String, Integer> iterations,
      long fitMillis,
      List<Double> passMillis,
      boolean excludedPausedWork,
      Map<String, Long> stepMillis,
      Map<String, Long> versions) {
    @Override
    public String toString() {
      double mean =
          passMillis.stream().skip(1).mapToDouble(Double::doubleValue).average().orElse(0);
      return String.format(
          "consensus %s (params %s): %d project/steps, %,d items, EM %d ms%n  decisions: %s%n  iterations: %s%n"
              + "  EM passes: %d (one Spark job each, all project/steps), %.0f ms per iteration (first %s, last %s)%n"
              + "  paused workers' answers excluded: %s%n  step ms: %s%n  table versions: %s",
          method,
          paramsHash,
          tasks,
          items,
          fitMillis,
          decisions,
          iterations,
          passMillis.size(),
          mean,
          passMillis.isEmpty() ? "-" : Math.round(passMillis.get(0)),
          passMillis.isEmpty() ? "-" : Math.round(passMillis.get(passMillis.size() - 1)),
          excludedPausedWork
              ? "yes (worker_status_intervals)"
              : "no (no worker_status_intervals table)",
          stepMillis,
          versions);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (method != null && !ConsensusSettings.METHODS.contains(method)) {
      throw new ConfigException(
          "Invalid value '"
              + method
              + "' for option '--method': expected one of "
              + ConsensusSettings.METHODS);
    }
    Map<String, String> params = JobShell.params("method", method, "project", project);
    Map<String, Object> overrides =
        method == null ? Map.of() : Map.of("annolake.consensus.method", method);
    Result result =
        JobShell.run(
            global,
            "consensus",
            params,
            overrides,
            (run, progress, config) -> consensus(run, progress, config, project));
    System.out.println(result);
    return 0;
  }

  /**
   * The job: read pinned inputs, index every project and step in one shuffle (gold, adjudications
   * and the paused-work flag travel with the answers), fit, then decide and write the three tables
   * in passes over the cached blocks.
   */
  public static Result consensus(
      LakehouseRun run, ProgressReporter progress, AnnolakeConfig config, String project) {
    ConsensusSettings settings = ConsensusSettings.from(config);
    Aggregator aggregator = settings.aggregator();
    ConsensusPolicy.Method method =
        settings.auto()
            ? MethodParams.auto(settings.autoFallback(), settings.autoMinGold())
            : MethodParams.of(aggregator);
    int partitions =
        settings.partitions() > 0
            ? settings.partitions()
            : config.integer("annolake.spark.shuffle-partitions");
    Map<String, Long> steps = new LinkedHashMap<>();
    long t0 = System.nanoTime();

    // the answers and decisions up to the end of the logical date: a backfill sees what its date
    // saw
    Timestamp cutoff = Timestamp.from(run.context().endOfLogicalDate());
    Dataset<Row> intervals =
        Predicates.onlyProject(run.readPinnedIfExists(Tables.WORKER_STATUS_INTERVALS), project);
    Dataset<Row> annotations =
        Predicates.onlyProject(run.readPinned(Tables.ANNOTATIONS), project)
            .where(col(Columns.SUBMITTED_AT).leq(lit(cutoff)));
    ConsensusComputation.Inputs inputs =
        new ConsensusComputation.Inputs(
            annotations,
            Predicates.onlyProject(run.readPinnedIfExists(Tables.GOLD_LABELS), project),
            until(
                Predicates.onlyProject(run.readPinnedIfExists(Tables.ADJUDICATIONS), project),
                "decided_at",
                cutoff),
            Predicates.onlyProject(run.readPinnedIfExists(Tables.LABEL_SCHEMAS), project),
            intervals,
            FlagExclusions.flaggedAnswers(
                annotations,
                Predicates.onlyProject(run.readPinnedIfExists(Tables.ANOMALY_FLAGS), project),
                settings.excludeFlags()),
            until(
                Predicates.onlyProject(run.readPinnedIfExists(Tables.GUIDELINES), project),
                "effective_at",
                cutoff));

    // multi-label steps: one present/absent task per label (docs/OPERATIONS-MODEL.md)
    Dataset<Row> multi = MultiLabel.collectSteps(inputs.schemas());
    if (multi != null) {
      inputs = MultiLabel.binarize(inputs, multi);
    }

    progress.step("indexing and fitting " + method.name());
    loadFileLists(progress, inputs);
    try (ConsensusComputation fit =
        settings.auto()
            ? ConsensusComputation.fitAuto(
                run.spark(),
                inputs,
                settings.candidates(),
                aggregator,
                settings.autoMinGold(),
                partitions)
            : ConsensusComputation.fit(run.spark(), inputs, aggregator, partitions)) {
      Map<String, Integer> iterations = new TreeMap<>();
      long fitMillis = 0;
      for (TaskFit f : fit.fits()) {
        iterations.put(f.task().projectId() + "/" + f.task().step(), f.iterations());
        fitMillis = f.millis(); // one fused fit for every task
      }
      t0 = lap(steps, "index", t0, (System.nanoTime() - t0) / 1_000_000 - fitMillis);
      steps.put("fit", fitMillis);
      // One table after another: written concurrently, the labels and escalations passes (each an
      // E-step per item over the cached blocks) contended for the 2 cores and memory, with no gain.
      // The labels pass also counts the decisions (the escalations' row count, the run's summary).
      progress.step("writing " + Tables.CONSENSUS_LABELS);
      Map<String, Long> decisions;
      Map<String, Long> taskDecisions;
      long items;
      if (multi == null) {
        DecisionCounts counted = new DecisionCounts(run.spark().sparkContext());
        write(
            run,
            Tables.CONSENSUS_LABELS,
            fit.labels(settings, method, counted),
            project,
            counted::items,
            Predicates.sameKeys(Columns.ITEM_ID));
        decisions = counted.values();
        taskDecisions = decisions;
        items = counted.items();
      } else {
        // the per-label rows feed two tables: built once (one pass over the blocks), counted here
        Dataset<Row> perLabel =
            fit.labels(settings, method, null)
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
          taskDecisions = Counts.byValue(perLabel, "decision");
          Dataset<Row> combined = MultiLabel.combine(perLabel, multi);
          write(
              run,
              Tables.CONSENSUS_LABELS,
              combined,
              project,
              () -> writtenRows(run, Tables.CONSENSUS_LABELS, project),
              Predicates.sameKeys(Columns.ITEM_ID));
          decisions =
              Counts.byValue(
                  Predicates.onlyProject(run.lakehouse().read(Tables.CONSENSUS_LABELS), project),
                  "decision");
          items = Counts.total(decisions);
          write(
              run,
              Tables.LABEL_PRESENCE,
              MultiLabel.presence(perLabel, multi),
              project,
              () -> writtenRows(run, Tables.LABEL_PRESENCE, project),
              Predicates.sameKeys(Columns.ITEM_ID, Columns.LABEL));
        } finally {
          perLabel.unpersist();
        }
      }
      t0 = lap(steps, "write " + Tables.CONSENSUS_LABELS, t0, -1);
      progress.step("writing " + Tables.ESCALATIONS);
      // escalations and relabel_queue keep the per-label tasks of multi-label steps
      long escalated = taskDecisions.getOrDefault(Decision.ESCALATED.name(), 0L);
      write(
          run,
          Tables.ESCALATIONS,
          fit.escalations(settings, method),
          project,
          () -> escalated,
          Predicates.sameKeys(Columns.ITEM_ID));
      t0 = lap(steps, "write " + Tables.ESCALATIONS, t0, -1);
      long relabels = taskDecisions.getOrDefault(Decision.PENDING_RELABEL.name(), 0L);
      // relabel_queue holds other jobs' reasons too (compose's VERIFICATION_REJECTED): only this
      // job's rows are replaced
      write(
          run,
          Tables.RELABEL_QUEUE,
          fit.relabelQueue(settings, method),
          project,
          () -> relabels,
          Predicates.sameKeys(Columns.ITEM_ID),
          RelabelReason.SUPERSEDED_ANSWERS.name());
      t0 = lap(steps, "write " + Tables.RELABEL_QUEUE, t0, -1);
      progress.step("writing " + Tables.WORKER_SKILLS);
      long skills = fit.workerSkillRows();
      write(
          run,
          Tables.WORKER_SKILLS,
          fit.workerSkills(method),
          project,
          () -> skills,
          Predicates.sameKeys(Columns.WORKER_ID)
              .and(col("t.true_label").eqNullSafe(col("s.true_label")))
              .and(col("t.given_label").eqNullSafe(col("s.given_label"))));
      lap(steps, "write " + Tables.WORKER_SKILLS, t0, -1);
      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(
          method.name(),
          method.paramsHash(),
          fit.fits().size(),
          items,
          decisions,
          iterations,
          fitMillis,
          fit.passMillis(),
          intervals != null,
          steps,
          versions);
    }
  }

  /**
   * Lists each input's files on a thread of its own before the one query that reads them all is
   * planned: listing loads the table's Delta state (a few small Spark jobs and much driver work,
   * seconds per table in a fresh JVM), which the query then reuses.
   */
  private static void loadFileLists(ProgressReporter progress, ConsensusComputation.Inputs in) {
    Map<String, Callable<Long>> lists = new LinkedHashMap<>();
    Map<String, Dataset<Row>> reads = new LinkedHashMap<>();
    reads.put(Tables.ANNOTATIONS, in.annotations());
    reads.put(Tables.GOLD_LABELS, in.gold());
    reads.put(Tables.ADJUDICATIONS, in.adjudications());
    reads.put(Tables.LABEL_SCHEMAS, in.schemas());
    reads.put(Tables.WORKER_STATUS_INTERVALS, in.statusIntervals());
    reads.forEach(
        (table, rows) -> {
          if (rows != null) {
            lists.put(table, () -> (long) rows.inputFiles().length);
          }
        });
    new JobSteps(progress).concurrently(lists);
  }

  /** The rows a write left in the table's slice (read back: the per-label rows were combined). */
  private static long writtenRows(LakehouseRun run, String table, String project) {
    return Predicates.onlyProject(run.lakehouse().read(table), project).count();
  }

  /** Records a step's wall time (or the given figure if >= 0) and returns now. */
  private static long lap(Map<String, Long> steps, String name, long since, long millis) {
    long now = System.nanoTime();
    steps.put(name, millis >= 0 ? millis : (now - since) / 1_000_000);
    return now;
  }

  private static Dataset<Row> until(Dataset<Row> table, String column, Timestamp cutoff) {
    return table == null ? null : table.where(col(column).leq(lit(cutoff)));
  }

  /**
   * The whole table is replaced; with --project only that project's rows are, and of those only the
   * rows whose content changed (every column but the provenance: run_id, as_of_date) are updated:
   * on the same inputs none, so each row keeps the run that computed it, and under a per-item
   * method (mv) only the items whose answers changed. (Delta still rewrites the files that hold the
   * project's rows.) The project's literal in the ON condition confines the MERGE to its partition,
   * so runs for other projects do not conflict with it.
   */
  private static void write(
      LakehouseRun run,
      String table,
      Dataset<Row> rows,
      String project,
      LongSupplier count,
      Column key) {
    write(run, table, rows, project, count, key, null);
  }

  /** As above, for a table whose rows this job owns only where {@code reason = ownReason}. */
  private static void write(
      LakehouseRun run,
      String table,
      Dataset<Row> rows,
      String project,
      LongSupplier count,
      Column key,
      String ownReason) {
    Column slice =
        ownReason == null
            ? Predicates.project(project)
            : Predicates.and(Predicates.project(project), Predicates.equalTo("reason", ownReason));
    if (project == null || !run.lakehouse().exists(table)) {
      run.overwrite(table, rows, count, slice);
      return;
    }
    Column mine =
        ownReason == null
            ? col("t.project_id").equalTo(lit(project))
            : col("t.project_id")
                .equalTo(lit(project))
                .and(col("t.reason").equalTo(lit(ownReason)));
    Column on = mine.and(Predicates.sameKeys(Columns.PROJECT_ID, Columns.STEP)).and(key);
    Column same = lit(true);
    for (String c : rows.columns()) {
      same = same.and(col("t.`" + c + "`").eqNullSafe(col("s.`" + c + "`")));
    }
    Column changed = not(same);
    run.merge(
        table,
        rows,
        on,
        m ->
            m.whenMatched(changed)
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .whenNotMatchedBySource(mine)
                .delete(),
        count,
        slice);
  }
}
