package io.annolake.jobs.agreement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.agreement.AgreementComputation;
import io.annolake.common.agreement.AgreementReport;
import io.annolake.common.agreement.AgreementSettings;
import io.annolake.common.agreement.Answers;
import io.annolake.common.agreement.Categories;
import io.annolake.common.agreement.Coefficient;
import io.annolake.common.agreement.CohenKappa;
import io.annolake.common.agreement.Level;
import io.annolake.common.agreement.PoissonBootstrap;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.consensus.MultiLabel;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.schema.rows.AgreementSummaryRow;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import io.annolake.jobs.JobSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake agreement}: inter-annotator agreement per slice (project, step, guideline
 * version, day) from silver {@code annotations} into {@code agreement_summary}, {@code
 * item_agreement}, {@code worker_pair_agreement} and {@code worker_agreement}; or, with {@code
 * --input-csv}, the coefficients of one file as JSON without Spark or a lakehouse.
 */
@Command(
    name = "agreement",
    mixinStandardHelpOptions = true,
    description = {
      "Inter-annotator agreement: Krippendorff's alpha (nominal, ordinal, interval, ratio), Fleiss' kappa,",
      "Gwet's AC1, Scott's pi, percent agreement with bootstrap intervals, per slice; per-item, per-pair",
      "(Cohen's kappa) and per-worker tables. With --input-csv FILE (item_id,worker_id,label or",
      "item,worker,label) prints the coefficients of that file as JSON and needs no lakehouse."
    })
public final class AgreementJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (its rows are replaced; others kept).")
  String project;

  @Option(
      names = "--level",
      paramLabel = "LEVEL",
      description =
          "Alpha at this level only: nominal, ordinal, interval or ratio (default: annolake.agreement.levels).")
  String level;

  @Option(
      names = "--input-csv",
      paramLabel = "FILE",
      description = "Standalone mode: a CSV of answers; prints JSON.")
  Path inputCsv;

  @Option(
      names = "--resamples",
      paramLabel = "N",
      description =
          "Bootstrap resamples (default: annolake.agreement.bootstrap-resamples; 0: none).")
  Integer resamples;

  /** What one run wrote. */
  public record Result(
      int slices,
      long summaryRows,
      long items,
      long workerPairs,
      long workers,
      Map<String, Long> versions,
      List<Row> summary,
      List<Row> contested,
      Map<String, Double> stepSeconds) {
    @Override
    public String toString() {
      StringBuilder out =
          new StringBuilder(
              String.format(
                  "agreement: %d slices | %,d summary rows | %,d items | %,d worker pairs | %,d workers%n  table versions: %s",
                  slices, summaryRows, items, workerPairs, workers, versions));
      int shown = 0;
      for (Row r : summary) {
        if (shown++ == 40) {
          out.append(
              String.format(
                  "%n  ... (%d more rows in %s)", summary.size() - 40, Tables.AGREEMENT_SUMMARY));
          break;
        }
        AgreementSummaryRow a = AgreementSummaryRow.READER.read(r);
        out.append(
            String.format(
                "%n  %s/%s/%s/%s %-18s %-8s %s",
                a.projectId(),
                a.step(),
                a.guidelineVersion(),
                a.day(),
                a.metric(),
                a.level(),
                a.value() == null
                    ? a.status() + ": " + a.error()
                    : String.format("%.4f", a.value())
                        + (a.ciLower() == null
                            ? ""
                            : String.format(" [%.4f, %.4f]", a.ciLower(), a.ciUpper()))));
      }
      if (!contested.isEmpty()) {
        out.append(String.format("%n  most contested items (entropy bits, top label share):"));
        for (Row r : contested) {
          out.append(
              String.format(
                  "%n    %s/%s %s: %.3f, %.3f of %d",
                  r.getAs(Columns.PROJECT_ID),
                  r.getAs(Columns.STEP),
                  r.getAs(Columns.ITEM_ID),
                  r.<Double>getAs(Columns.ENTROPY_BITS),
                  r.<Double>getAs(Columns.TOP_LABEL_SHARE),
                  r.<Integer>getAs(Columns.N_ANNOTATIONS)));
        }
      }
      StringBuilder times = new StringBuilder();
      stepSeconds.forEach(
          (step, s) ->
              times.append(String.format("%s%s %.1f s", times.length() == 0 ? "" : ", ", step, s)));
      out.append(String.format("%n  steps: %s", times));
      return out.toString();
    }
  }

  @Override
  public Integer call() throws Exception {
    List<Level> levels = level == null ? null : List.of(Level.parse(level, "option '--level'"));
    if (resamples != null && resamples < 0) {
      throw new ConfigException(
          "Invalid value '" + resamples + "' for option '--resamples': must not be negative");
    }
    if (inputCsv != null) {
      if (project != null) {
        throw new ConfigException(
            "Invalid option '--project' with '--input-csv': the file is one answer set");
      }
      if (!Files.isRegularFile(inputCsv)) {
        throw new ConfigException(
            "Invalid value '" + inputCsv + "' for option '--input-csv': no such file");
      }
      AgreementSettings settings =
          settings(AnnolakeConfig.load(global.conf, global.overrides()), levels);
      Answers answers = Answers.readCsv(inputCsv);
      answers
          .skipped()
          .forEach(
              (reason, s) ->
                  System.err.printf(
                      "agreement: %s: skipped %,d row(s): %s (the first at line %d)%n",
                      inputCsv, s.rows(), reason, s.firstLine()));
      System.out.println(standalone(answers, settings, inputCsv.toString()));
      return 0;
    }
    Map<String, String> params =
        JobShell.params("project", project, "level", level, "resamples", resamples);
    Result result =
        JobShell.run(
            global,
            "agreement",
            params,
            Map.of(),
            (run, progress, config) -> agreement(run, progress, settings(config, levels), project));
    System.out.println(result);
    return 0;
  }

  private AgreementSettings settings(AnnolakeConfig config, List<Level> levels) {
    AgreementSettings s = AgreementSettings.from(config);
    if (levels != null) {
      s = s.withLevels(levels);
    }
    return resamples == null ? s : s.withResamples(resamples);
  }

  /**
   * The lakehouse job: read annotations once, group them by unit (cached blocks, dictionaries
   * merged on the driver), fold per slice in one pass (also the per-worker counts and the most
   * contested units), write the tables from the cached units.
   */
  public static Result agreement(
      LakehouseRun run, ProgressReporter progress, AgreementSettings settings, String project)
      throws Exception {
    Dataset<Row> annotations =
        run.readPinned(Tables.ANNOTATIONS)
            .where(
                col(Columns.SUBMITTED_AT)
                    .leq(lit(Timestamp.from(run.context().endOfLogicalDate()))));
    annotations = Predicates.onlyProject(annotations, project);
    Dataset<Row> schemas = run.readPinnedIfExists(Tables.LABEL_SCHEMAS);
    Dataset<Row> consensus = run.readPinnedIfExists(Tables.CONSENSUS_LABELS);
    consensus = Predicates.onlyProject(consensus, project);
    Dataset<Row> multi = MultiLabel.collectSteps(schemas);
    if (multi != null) {
      // per label, present or absent, not a set as one category (docs/OPERATIONS-MODEL.md)
      annotations = MultiLabel.binarize(annotations, multi);
      schemas = MultiLabel.binarizeSchemas(schemas);
      if (consensus != null) {
        Dataset<Row> presence =
            Predicates.onlyProject(run.readPinnedIfExists(Tables.LABEL_PRESENCE), project);
        consensus = MultiLabel.perLabel(consensus, presence, multi);
      }
    }
    JobSteps steps = new JobSteps(progress);
    try (AgreementComputation c =
        AgreementComputation.run(annotations, schemas, consensus, settings, steps::start)) {
      Column where = Predicates.project(project);
      // Four independent tables: while one write's tasks run, another's Delta commit (driver work)
      // goes on. The small ones first: their one task runs at once.
      steps.start("writing " + String.join(", ", Tables.AGREEMENT_TABLES));
      Map<String, Callable<Long>> writes = new LinkedHashMap<>();
      writes.put(
          Tables.AGREEMENT_SUMMARY,
          () -> write(run, Tables.AGREEMENT_SUMMARY, c.summary(), c.summaryRows().size(), where));
      writes.put(
          Tables.WORKER_AGREEMENT,
          () ->
              write(
                  run, Tables.WORKER_AGREEMENT, c.workerAgreement(), c.workerRows().size(), where));
      writes.put(
          Tables.ITEM_AGREEMENT,
          () -> write(run, Tables.ITEM_AGREEMENT, c.itemAgreement(), c.units(), where));
      writes.put(
          Tables.WORKER_PAIR_AGREEMENT,
          () -> write(run, Tables.WORKER_PAIR_AGREEMENT, c.workerPairs(), -1, where));
      Map<String, Long> rows = steps.concurrently(writes);
      steps.end();

      Map<String, Long> versions = new LinkedHashMap<>();
      for (String table : Tables.AGREEMENT_TABLES) {
        run.outputs().stream()
            .filter(o -> o.table().equals(table))
            .forEach(o -> versions.put(table, o.versionAfter()));
      }
      List<Row> summary = new java.util.ArrayList<>(c.summaryRows());
      summary.sort(java.util.Comparator.comparing(Row::toString));
      return new Result(
          c.slices(),
          summary.size(),
          c.units(),
          rows.get(Tables.WORKER_PAIR_AGREEMENT),
          rows.get(Tables.WORKER_AGREEMENT),
          versions,
          summary,
          c.contested(),
          steps.seconds());
    }
  }

  /**
   * Writes a derived table. Rows not known up front are taken from the commit's own metrics
   * (numOutputRows in the Delta log) rather than a second scan.
   */
  private static long write(
      LakehouseRun run, String table, Dataset<Row> rows, long known, Column where) {
    run.overwrite(table, rows, Math.max(known, 0), where);
    if (known >= 0) {
      return known;
    }
    LakehouseRun.Output out =
        run.outputs().stream().filter(o -> o.table().equals(table)).findFirst().orElseThrow();
    if (out.keptNewerState() != null) {
      return out.rows(); // a backfill's rows, counted, not written
    }
    if (out.versionAfter() == out.versionBefore()) {
      return 0; // nothing to write and nothing to replace: Delta made no commit
    }
    // this run's own commit: runs for other projects may have committed to the table since
    return Long.parseLong(
        run.lakehouse()
            .commitOf(table, out.versionBefore(), out.versionAfter(), run.context().runId())
            .metrics()
            .getOrDefault("numOutputRows", "0"));
  }

  /** Standalone mode: all coefficients of one answer set as JSON. */
  static String standalone(Answers answers, AgreementSettings settings, String source)
      throws Exception {
    Categories cats = answers.categories();
    PoissonBootstrap state = answers.state(cats, settings.resamples(), settings.seed());
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("source", source);
    root.put("rows", answers.rows());
    root.put("items", answers.items());
    root.put("annotations", (long) state.estimate().annotations());
    ArrayNode skipped = root.putArray("skipped_rows");
    answers
        .skipped()
        .forEach(
            (reason, s) ->
                skipped
                    .addObject()
                    .put("reason", reason)
                    .put("rows", s.rows())
                    .put("first_line", s.firstLine()));
    ArrayNode labels = root.putArray("categories");
    cats.labels().forEach(labels::add);
    root.put("resamples", settings.resamples());
    root.put("seed", settings.seed());
    root.put("confidence", settings.confidence());
    ArrayNode coefficients = root.putArray("coefficients");
    for (Coefficient c :
        AgreementReport.compute(state, cats, settings.levels(), settings.confidence())) {
      coefficients.add(node(json, c));
    }
    Map<List<String>, long[][]> tables = answers.pairTables(cats, settings.minPairOverlap());
    double sum = 0;
    int defined = 0;
    for (long[][] t : tables.values()) {
      Coefficient k = CohenKappa.compute(t);
      if (k.isOk()) {
        sum += k.value();
        defined++;
      }
    }
    ObjectNode pairs = root.putObject("worker_pairs");
    pairs.put("min_overlap", settings.minPairOverlap());
    pairs.put("pairs", tables.size());
    pairs.put("pairs_with_kappa", defined);
    if (defined > 0) {
      pairs.put("mean_cohen_kappa", sum / defined);
    } else {
      pairs.putNull("mean_cohen_kappa");
    }
    return json.writeValueAsString(root);
  }

  private static ObjectNode node(ObjectMapper json, Coefficient c) {
    ObjectNode n = json.createObjectNode();
    n.put("metric", c.metric());
    n.put("level", c.level().cliName());
    putNumber(n, "value", c.value());
    putNumber(n, "standard_error", c.standardError());
    putNumber(n, "ci_lower", c.ciLower());
    putNumber(n, "ci_upper", c.ciUpper());
    n.put("n_items", c.items());
    n.put("n_annotations", c.annotations());
    n.put("status", c.status().name());
    if (c.error() != null) {
      n.put("error", c.error());
    }
    if (c.note() != null) {
      n.put("note", c.note());
    }
    return n;
  }

  private static void putNumber(ObjectNode n, String field, double v) {
    if (Double.isNaN(v)) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }
}
