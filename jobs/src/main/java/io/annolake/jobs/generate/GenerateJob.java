package io.annolake.jobs.generate;

import io.annolake.common.io.LandingFormat;
import io.annolake.common.simulate.MultiLabelSimulator;
import io.annolake.common.simulate.SimulatedLanding;
import io.annolake.common.simulate.SimulatorSettings;
import io.annolake.common.simulate.VerificationSimulator;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake generate}: landing files of a simulated labeling operation (annotations, gold
 * labels, adjudications, label schemas, guidelines, annotators' questions) plus the hidden truth in
 * a separate folder.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes landing files for a simulated labeling operation, deterministic by --seed:",
      "  OUT/annotations, OUT/gold, OUT/adjudications, OUT/schemas, OUT/guidelines, OUT/flags (annotators'",
      "  questions on hard items, some answered by an expert, some folded into guideline v2), OUT/items (numeric",
      "  features per item and step that depend on its true class: project_id,step,item_id,f1..f4), and the hidden truth",
      "  (true labels, worker archetypes and injected roles, injected bad records, injected",
      "  anomalies as entity_type,entity_id,code, summary.json) in --truth-out."
    })
public final class GenerateJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Landing folder to write.")
  String out;

  @Option(
      names = "--truth-out",
      paramLabel = "DIR",
      description = "Folder for the hidden truth (default: OUT/_truth).")
  String truthOut;

  @Option(
      names = "--format",
      defaultValue = "json",
      description = "json, csv, parquet or arrow (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--annotations",
      defaultValue = "20000",
      description = "Annotation records to generate (default: ${DEFAULT-VALUE}).")
  long annotations;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--projects",
      defaultValue = "2",
      description = "Projects (default: ${DEFAULT-VALUE}).")
  int projects;

  @Option(
      names = "--steps",
      defaultValue = "2",
      description = "Decomposition steps per project (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--classes",
      defaultValue = "5",
      description = "Labels per step, K (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(
      names = "--workers",
      defaultValue = "0",
      description = "Crowd size; 0 scales with --annotations (N/5000 in 50..2000).")
  int workers;

  @Option(
      names = "--redundancy",
      defaultValue = "3",
      description = "Base answers per item (default: ${DEFAULT-VALUE}).")
  int redundancy;

  @Option(
      names = "--gold-share",
      defaultValue = "0.05",
      description = "Share of gold items (default: ${DEFAULT-VALUE}).")
  double goldShare;

  @Option(
      names = "--adjudication-share",
      defaultValue = "0.02",
      description = "Share of items an expert adjudicates (default: ${DEFAULT-VALUE}).")
  double adjudicationShare;

  @Option(
      names = "--prelabel-share",
      defaultValue = "0.3",
      description = "Share of items shown with a model pre-label (default: ${DEFAULT-VALUE}).")
  double prelabelShare;

  @Option(
      names = "--prelabel-accuracy",
      defaultValue = "0.8",
      description = "Accuracy of the model pre-labels (default: ${DEFAULT-VALUE}).")
  double prelabelAccuracy;

  @Option(
      names = "--bad-rate",
      defaultValue = "0.01",
      description = "Share of records made bad on purpose (default: ${DEFAULT-VALUE}).")
  double badRate;

  @Option(
      names = "--start-date",
      defaultValue = "2026-01-05",
      description = "First day of the operation (default: ${DEFAULT-VALUE}).")
  LocalDate startDate;

  @Option(
      names = "--days",
      defaultValue = "14",
      description = "Days the operation runs (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--verification",
      description = {
        "Also write OUT/verification (schemas, annotations): a verification step checking the first",
        "project's last step, for the pipeline annolake.compose.pipelines takes; truth in --truth-out/verification."
      })
  boolean verification;

  @Option(
      names = "--multi-label",
      description = {
        "Also write OUT/tags (schemas, annotations): a multi-label step on the last project's items,",
        "answers as JSON arrays of labels; the true set per item in --truth-out/tags (Parquet)."
      })
  boolean multiLabel;

  @Override
  public Integer call() {
    LandingFormat landingFormat = LandingFormat.parse(format);
    SimulatorSettings settings =
        new SimulatorSettings(
            annotations,
            seed,
            projects,
            steps,
            classes,
            workers,
            redundancy,
            goldShare,
            adjudicationShare,
            prelabelShare,
            prelabelAccuracy,
            badRate,
            startDate,
            days);
    SparkSession spark = JobShell.open(global, Map.of()).spark();
    String truth = truthOut != null ? truthOut : out + "/_truth";
    SimulatedLanding.Result result =
        SimulatedLanding.generate(spark, settings, landingFormat, out, truth);
    System.out.println(result);
    if (verification) {
      long n =
          SimulatedLanding.generateVerification(
              spark,
              settings,
              landingFormat,
              SimulatedLanding.StepLanding.own(out, VerificationSimulator.STEP),
              truth);
      System.out.printf(
          "  verification: %,d answers in %s/verification; the pipeline: %s%n",
          n, out, VerificationSimulator.pipelineConf(settings));
    }
    if (multiLabel) {
      long n =
          SimulatedLanding.generateMultiLabel(
              spark,
              settings,
              landingFormat,
              SimulatedLanding.StepLanding.own(out, MultiLabelSimulator.STEP),
              truth);
      System.out.printf(
          "  multi-label: %,d answers (step %s of %s) in %s/%s%n",
          n,
          MultiLabelSimulator.STEP,
          MultiLabelSimulator.project(settings),
          out,
          MultiLabelSimulator.STEP);
    }
    return 0;
  }
}
