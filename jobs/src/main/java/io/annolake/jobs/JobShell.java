package io.annolake.jobs;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.Commits;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.PipelineRuns;
import io.annolake.common.io.RunLock;
import io.annolake.common.io.StateGuard;
import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.common.spark.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell every lakehouse job runs in: settings, session, run context, the run lock,
 * pipeline_runs rows, progress, and the undo of the run's own writes when it fails.
 */
public final class JobShell {
  private static final Logger LOG = LoggerFactory.getLogger(JobShell.class);

  /** The body of a job; returns its result, whose toString is printed as the summary. */
  @FunctionalInterface
  public interface Body<R> {
    R run(LakehouseRun run, ProgressReporter progress, AnnolakeConfig config) throws Exception;
  }

  /** An open environment for commands that need Spark and the lakehouse but write no run record. */
  public record Env(AnnolakeConfig config, SparkSession spark, Lakehouse lakehouse) {}

  private JobShell() {}

  /**
   * A run's params (pipeline_runs.params) from key, value pairs in order; a null value (an option
   * not given) is left out.
   */
  public static Map<String, String> params(Object... keysAndValues) {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        params.put((String) keysAndValues[i], String.valueOf(keysAndValues[i + 1]));
      }
    }
    return params;
  }

  /**
   * The settings a run uses (the settings file, the command's overrides, the global options),
   * loaded without starting Spark: checks of settings run on them first and fail in a second.
   */
  public static AnnolakeConfig config(GlobalOptions global, Map<String, Object> overrides) {
    Map<String, Object> all = new java.util.HashMap<>(overrides);
    all.putAll(global.overrides());
    return AnnolakeConfig.load(global.conf, all);
  }

  /** Loads settings and opens the session and lakehouse (tables registered in the catalog). */
  public static Env open(GlobalOptions global, Map<String, Object> overrides) {
    AnnolakeConfig config = config(global, overrides);
    String root = config.string("annolake.lakehouse.root");
    SparkSession spark = SparkSessions.getOrCreate(config, root);
    Lakehouse lakehouse = new Lakehouse(spark, root, config.string("annolake.lakehouse.database"));
    // A persistent catalog (hive) is kept complete; a per-session one (in-memory) gets nothing:
    // jobs read and write by path, and registering loads each table's Delta snapshot (seconds in a
    // fresh JVM). The session decides, not the setting: a session opened before (the benchmark's, a
    // notebook's) keeps the catalog it was built with.
    if (lakehouse.persistentCatalog()) {
      lakehouse.registerAll(Tables.ALL);
    }
    return new Env(config, spark, lakehouse);
  }

  /**
   * Runs a job that writes to the lakehouse, holding the run lock of its project (the {@code
   * project} param; every project without it).
   */
  public static <R> R run(
      GlobalOptions global,
      String job,
      Map<String, String> params,
      Map<String, Object> overrides,
      Body<R> body)
      throws Exception {
    return run(global, job, params, overrides, params.getOrDefault("project", RunLock.ALL), body);
  }

  /**
   * Runs a job that writes to the lakehouse under the run lock of {@code lockScope}: one run per
   * job and scope at a time (see {@link RunLock}). On failure the run's own writes are taken back
   * ({@link LakehouseRun#undo}); other runs' commits are never touched.
   */
  public static <R> R run(
      GlobalOptions global,
      String job,
      Map<String, String> params,
      Map<String, Object> overrides,
      String lockScope,
      Body<R> body)
      throws Exception {
    Env env = open(global, overrides);
    AnnolakeConfig config = env.config();
    RunContext context =
        RunContext.create(global.runId, job, global.logicalDate, config.hash(), params);
    Commits commits =
        new Commits(
            config.integer("annolake.concurrency.commit-attempts"),
            config.duration("annolake.concurrency.commit-backoff").toMillis(),
            10_000);
    StateGuard guard = new StateGuard(job, context.logicalDate(), params.get("project"));
    LakehouseRun run = new LakehouseRun(env.lakehouse(), context, commits, guard);
    SparkSession spark = env.spark();
    RunLock lock;
    try {
      lock =
          RunLock.acquire(
              env.lakehouse().root(),
              spark.sparkContext().hadoopConfiguration(),
              job,
              lockScope,
              context.runId(),
              config.duration("annolake.concurrency.lock-wait"),
              config.duration("annolake.concurrency.lock-stale-after"));
    } catch (RunLock.HeldException e) {
      PipelineRuns.finished(run, PipelineRuns.FAILED, e.getMessage());
      throw e;
    }
    spark
        .sparkContext()
        .setJobGroup("annolake:" + job + ":" + context.runId(), "annolake " + job, false);
    int interval = config.integer("annolake.progress.interval-seconds");
    try (lock;
        ProgressReporter progress = ProgressReporter.start(spark, job, interval)) {
      PipelineRuns.started(run);
      R result = body.run(run, progress, config);
      for (LakehouseRun.Output o : run.outputs()) {
        if (o.keptNewerState() != null) {
          System.err.printf(
              "[%s] %s for %s: kept the newer state of %s (%s); this run's result: %,d rows, digest %d%n",
              job,
              context.runId(),
              context.logicalDate(),
              o.table(),
              o.keptNewerState(),
              o.rows(),
              o.digest());
        }
      }
      PipelineRuns.finished(run, PipelineRuns.SUCCEEDED, null);
      LOG.info("{} run {} succeeded: {}", job, context.runId(), result);
      return result;
    } catch (Exception | Error e) {
      if (configCause(e) != null) {
        // a bad argument found once the run had started: the message names it, a trace adds nothing
        LOG.error(
            "{} run {} failed; taking back its own writes: {}",
            job,
            context.runId(),
            e.getMessage());
      } else {
        LOG.error("{} run {} failed; taking back its own writes", job, context.runId(), e);
      }
      try {
        var undone = run.undo();
        if (!undone.isEmpty()) {
          System.err.println("[" + job + "] failed: took back this run's writes to " + undone);
        }
        PipelineRuns.finished(run, PipelineRuns.FAILED, String.valueOf(e));
      } catch (Exception | Error cleanup) {
        // e.g. the executor watchdog stopped the SparkContext: the run stays STARTED in
        // pipeline_runs and its writes stay until a rerun, which replaces them (every write is a
        // slice the run owns)
        e.addSuppressed(cleanup);
        System.err.println(
            "["
                + job
                + "] failed, and its writes could not be taken back ("
                + cleanup
                + "); a rerun of the same run replaces them");
      }
      throw e;
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /** Unwraps the first ConfigException in a cause chain, or null. */
  static ConfigException configCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigException c) {
        return c;
      }
    }
    return null;
  }
}
