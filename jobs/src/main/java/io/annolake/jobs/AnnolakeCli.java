package io.annolake.jobs;

import io.annolake.common.config.ConfigException;
import io.annolake.common.provenance.RunContext;
import io.annolake.jobs.bench.BenchCommand;
import io.annolake.jobs.demo.DemoCommand;
import io.annolake.jobs.export.ExportJob;
import io.annolake.jobs.generate.GenerateJob;
import io.annolake.jobs.ingest.IngestJob;
import io.annolake.jobs.quality.WorkerQualityJob;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The one entry point: {@code annolake <command> [options]}. Exit codes: 0 ok, 1 job failure, 2
 * usage or configuration error (with a message naming the option or key).
 */
@Command(
    name = "annolake",
    mixinStandardHelpOptions = true,
    versionProvider = AnnolakeCli.Version.class,
    description =
        "Turns raw annotation records into trustworthy labels and quality figures on Delta Lake.",
    subcommands = {
      DemoCommand.class,
      GenerateJob.class,
      IngestJob.class,
      io.annolake.jobs.consensus.ConsensusJob.class,
      io.annolake.jobs.consensus.CompareMethodsJob.class,
      WorkerQualityJob.class,
      ExportJob.class,
      io.annolake.jobs.snapshot.SnapshotJob.class,
      io.annolake.jobs.agreement.AgreementJob.class,
      io.annolake.jobs.anomaly.AnomaliesJob.class,
      io.annolake.jobs.erase.EraseJob.class,
      io.annolake.jobs.maintain.MaintainJob.class,
      io.annolake.jobs.routing.WorkerRoutingJob.class,
      io.annolake.jobs.edgecase.EdgeCasesJob.class,
      io.annolake.jobs.compose.ComposeJob.class,
      io.annolake.jobs.report.OperationsJob.class,
      io.annolake.jobs.report.ReportJob.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AnnolakeCli implements Runnable {
  public static final int OK = 0;
  public static final int JOB_FAILURE = 1;
  public static final int USAGE = 2;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "Missing command: see 'annolake --help'");
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }

  /** Runs the CLI in this JVM and returns the exit code (tests call this). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new AnnolakeCli());
    cli.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          PrintWriter err = cmd.getErr();
          ConfigException config = JobShell.configCause(e);
          if (config != null) {
            err.println(
                "annolake "
                    + cmd.getCommandName()
                    + ": configuration error: "
                    + config.getMessage());
            err.flush();
            return USAGE;
          }
          err.println("annolake " + cmd.getCommandName() + ": job failed: " + e);
          err.flush();
          return JOB_FAILURE;
        });
    return cli.execute(args);
  }

  /** Version from the jar (or git, via the launcher). */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"annolake " + RunContext.currentCodeVersion()};
    }
  }
}
