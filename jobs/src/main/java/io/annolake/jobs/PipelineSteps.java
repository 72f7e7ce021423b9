package io.annolake.jobs;

import io.annolake.common.agreement.AgreementSettings;
import io.annolake.common.simulate.SimulatorSettings;
import io.annolake.jobs.agreement.AgreementJob;
import io.annolake.jobs.anomaly.AnomaliesJob;
import io.annolake.jobs.compose.ComposeJob;
import io.annolake.jobs.consensus.ConsensusJob;
import io.annolake.jobs.edgecase.EdgeCasesJob;
import io.annolake.jobs.quality.WorkerQualityJob;
import io.annolake.jobs.report.OperationsJob;
import io.annolake.jobs.report.ReportJob;
import io.annolake.jobs.routing.WorkerRoutingJob;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The jobs after ingestion, in pipeline order, over every project with their default options, as
 * Java calls: what the demo runs, and what the benchmark runs once to give the report its inputs.
 * Each step is the computation its command runs, in a run of its own (pipeline_runs, run lock).
 */
public final class PipelineSteps {
  private PipelineSteps() {}

  /**
   * One job: its name and parameters as pipeline_runs records them, and its computation.
   *
   * @param <R> the job's result (what its command prints)
   */
  public record Step<R>(String job, Map<String, String> params, JobShell.Body<R> body) {
    /** Runs the job as its command would with these global options. */
    public R run(GlobalOptions options) throws Exception {
      return JobShell.run(options, job, params, Map.of(), body);
    }
  }

  /**
   * Every step, in order.
   *
   * @param days how far the anomaly window and the report reach back (to the data's first day)
   */
  public static List<Step<?>> all(long days) {
    return List.of(
        new Step<>(
            "worker-quality",
            Map.of(),
            (run, progress, config) ->
                WorkerQualityJob.run(
                    run, progress, config, null, run.context().endOfLogicalDate(), null)),
        new Step<>(
            "agreement",
            Map.of(),
            (run, progress, config) ->
                AgreementJob.agreement(run, progress, AgreementSettings.from(config), null)),
        new Step<>(
            "consensus",
            Map.of(),
            (run, progress, config) -> ConsensusJob.consensus(run, progress, config, null)),
        new Step<>(
            "compose", Map.of(), (run, progress, config) -> ComposeJob.compose(run, config, null)),
        new Step<>(
            "anomalies",
            JobShell.params("window-days", days),
            (run, progress, config) -> AnomaliesJob.run(run, progress, config, null, (int) days)),
        new Step<>(
            "routing", Map.of(), (run, progress, config) -> WorkerRoutingJob.routing(run, null)),
        new Step<>(
            "edge-cases", Map.of(), (run, progress, config) -> EdgeCasesJob.edgeCases(run, null)),
        new Step<>(
            "operations",
            Map.of(),
            (run, progress, config) -> OperationsJob.run(run, progress, config, null)),
        new Step<>(
            "report",
            JobShell.params("days", days),
            (run, progress, config) ->
                ReportJob.run(run, progress, config, null, (int) days, null)));
  }

  /**
   * How far back the anomaly window and the report must reach to cover a simulated operation: from
   * the logical date (today in UTC when none is given) back to the operation's fixed first day.
   */
  public static long daysBack(SimulatorSettings simulated, LocalDate logicalDate) {
    LocalDate logical = logicalDate != null ? logicalDate : LocalDate.now(ZoneOffset.UTC);
    return Math.max(ChronoUnit.DAYS.between(simulated.startDate(), logical) + 1, simulated.days());
  }

  /** The step of one job. */
  public static Step<?> named(String job, long days) {
    return all(days).stream()
        .filter(s -> s.job().equals(job))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No pipeline step '" + job + "'"));
  }
}
