package io.annolake.jobs.erase;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.RunLock;
import io.annolake.common.io.TableMaintenance;
import io.annolake.common.privacy.ErasurePlan;
import io.annolake.common.privacy.Redaction;
import io.annolake.common.privacy.WorkerPseudonyms;
import io.annolake.common.schema.LogSchemas;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.Counts;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import scala.collection.JavaConverters;

/**
 * {@code annolake erase --worker ID}: removes a person's raw id (and with {@code --answers delete}
 * their rows) from every table under the lakehouse, then makes earlier versions physically gone
 * (VACUUM with no retention, the Delta log cut at a new checkpoint), so no file under the lakehouse
 * holds the id. The {@code erasures} table records when and what, never the id: the id's pseudonym
 * when a key is set (so a repeated request can be recognised), and the rows changed per table.
 * Idempotent: a failed erasure is finished by running it again.
 */
@Command(
    name = "erase",
    mixinStandardHelpOptions = true,
    description = {
      "Erases a worker's (or expert's, or lead's) id from every table, raw text included, then",
      "VACUUMs with no retention and cuts the Delta log so that no file under the lakehouse holds it.",
      "Their answers stay under an anonymous id (keep) or are deleted (delete); rerun consensus and",
      "worker-quality afterwards. Time travel to versions before the erasure is no longer possible.",
      "Run it while no other job writes the lakehouse."
    })
public final class EraseJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--worker",
      required = true,
      paramLabel = "ID",
      description = "The id to erase (worker_id, expert_id or lead_id).")
  String worker;

  @Option(
      names = "--answers",
      defaultValue = "keep",
      paramLabel = "keep|delete",
      description =
          "Keep their answers under an anonymous id, or delete them (default: ${DEFAULT-VALUE}).")
  String answers;

  /** What an erasure did, without the id. */
  public record Result(
      String erasureId,
      ErasurePlan.Answers answers,
      Map<String, Long> rowsChanged,
      Map<String, Long> historyFrom) {
    @Override
    public String toString() {
      long rows = Counts.total(rowsChanged);
      return String.format(
          "erase %s (%s): %,d rows %s in %s | history cut in %d tables (time travel from %s)",
          erasureId,
          answers.name().toLowerCase(java.util.Locale.ROOT),
          rows,
          answers == ErasurePlan.Answers.DELETE ? "deleted" : "changed",
          rowsChanged,
          historyFrom.size(),
          historyFrom);
    }
  }

  @Override
  public Integer call() throws Exception {
    ErasurePlan.Answers mode = ErasurePlan.Answers.parse(answers);
    if (worker.isBlank()) {
      throw new ConfigException("Invalid value for option '--worker': the id is blank");
    }
    String pseudonym = pseudonymIfKeyed(worker);
    // the id itself reaches no table and no log: pipeline_runs and commit metadata get its
    // pseudonym
    Map<String, String> params =
        JobShell.params(
            "worker", pseudonym != null ? pseudonym : Redaction.REDACTED, "answers", answers);
    Result result =
        JobShell.run(
            global,
            "erase",
            params,
            Map.of(),
            (run, progress, config) -> erase(run, progress, config, worker, mode, pseudonym));
    System.out.println(result);
    return 0;
  }

  /**
   * The id's pseudonym under the environment's key, or null without one (an erasure needs no key).
   */
  static String pseudonymIfKeyed(String id) {
    try {
      return WorkerPseudonyms.fromEnvironment().pseudonym(id);
    } catch (ConfigException noKey) {
      return null;
    }
  }

  /**
   * Jobs that write tables an erasure rewrites. Erase holds each one's lock for every project while
   * it runs: a run that had read the person's rows before the erasure would otherwise write them
   * back.
   */
  static final List<String> WRITERS =
      List.of(
          "ingest",
          "worker-quality",
          "agreement",
          "consensus",
          "anomalies",
          "routing",
          "edge-cases",
          "operations",
          "snapshot",
          "maintain");

  /** The job under every writer's lock (see {@link #WRITERS}). */
  public static Result erase(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      String id,
      ErasurePlan.Answers mode,
      String pseudonym) {
    List<RunLock> held = new ArrayList<>();
    try {
      for (String job : WRITERS) {
        progress.step("waiting for " + job + " runs to finish");
        held.add(
            RunLock.acquire(
                run.lakehouse().root(),
                run.spark().sparkContext().hadoopConfiguration(),
                job,
                RunLock.ALL,
                run.context().runId(),
                config.duration("annolake.concurrency.lock-wait"),
                config.duration("annolake.concurrency.lock-stale-after")));
      }
      return eraseHeld(run, progress, config, id, mode, pseudonym);
    } finally {
      held.forEach(RunLock::close);
    }
  }

  /** Every table's rows, then every table's history, then the audit row. */
  private static Result eraseHeld(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      String id,
      ErasurePlan.Answers mode,
      String pseudonym) {
    TableMaintenance tables = new TableMaintenance(run.lakehouse());
    TableMaintenance.Retention retention = TableMaintenance.Retention.from(config);
    String erasureId = UUID.randomUUID().toString();
    String replacement = "erased-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Map<String, Long> changed = new LinkedHashMap<>();
    List<String> all = tables.tables();
    for (String table : all) {
      ErasurePlan plan = ErasurePlan.of(run.lakehouse().read(table).schema(), id, replacement);
      if (!plan.touches()) {
        continue;
      }
      progress.step("erasing from " + table);
      long rows = 0;
      if (mode == ErasurePlan.Answers.DELETE) {
        if (plan.rowsToDelete().isPresent()) {
          rows += tables.delete(table, plan.rowsToDelete().get());
        }
        // rows that also hold others' answers (escalations) stay, without the person's elements
        if (plan.rowsToDropFrom().isPresent()) {
          rows += tables.update(table, plan.rowsToDropFrom().get(), plan.dropsFromArrays());
        }
      } else {
        rows = tables.update(table, plan.rowsToUpdate(), plan.assignments());
      }
      if (rows > 0) {
        changed.put(table, rows);
      }
    }
    Map<String, Long> historyFrom = new LinkedHashMap<>();
    for (String table : all) {
      progress.step("vacuuming " + table + " and cutting its log");
      historyFrom.put(table, tables.forgetHistory(table, retention));
    }
    Row audit =
        RowFactory.create(
            erasureId,
            Timestamp.from(Instant.now()),
            pseudonym,
            mode.name().toLowerCase(java.util.Locale.ROOT),
            JavaConverters.mapAsScalaMap(changed),
            JavaConverters.mapAsScalaMap(historyFrom));
    run.append(
        Tables.ERASURES, run.spark().createDataFrame(List.of(audit), LogSchemas.ERASURES), 1);
    return new Result(erasureId, mode, changed, historyFrom);
  }
}
