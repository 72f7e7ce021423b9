package io.annolake.common.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.edgecase.EdgeCases;
import io.annolake.common.report.ReportPages.Chart;
import io.annolake.common.report.ReportPages.Section;
import io.annolake.common.report.ReportPages.Table;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.schema.rows.AgreementSummaryRow;
import io.annolake.common.schema.rows.WorkerQualityRow;
import io.annolake.common.spark.Counts;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the lakehouse's derived tables (never the annotations) and builds the report's sections for
 * one project: small aggregates and capped top-N lists collected to the driver. A section whose
 * table is absent says so; columns a table lacks are left out of its tables.
 *
 * <p>Each query runs once over every project, grouped or ranked by project, and its rows are handed
 * out per project: the report runs the same number of Spark queries for one project as for fifty.
 */
public final class ReportData {
  private final Function<String, Dataset<Row>> tables;
  private final LocalDate logicalDate;
  private final int days;
  private final int maxRows;
  // per query, its rows by project (in the query's order)
  private final Map<String, Map<String, List<Row>>> byProject = new HashMap<>();

  /**
   * @param tables a table by name, read pinned, or null when it does not exist
   * @param logicalDate the report's date: trends end there
   * @param days days in the trends
   * @param maxRows most rows in a list (workers, items, flags)
   */
  public ReportData(
      Function<String, Dataset<Row>> tables, LocalDate logicalDate, int days, int maxRows) {
    // each table resolved once: a pinned read resolves its Delta snapshot, and sections share
    // tables
    Map<String, java.util.Optional<Dataset<Row>>> resolved = new HashMap<>();
    this.tables =
        t ->
            resolved
                .computeIfAbsent(t, k -> java.util.Optional.ofNullable(tables.apply(k)))
                .orElse(null);
    this.logicalDate = logicalDate;
    this.days = days;
    this.maxRows = maxRows;
  }

  /** Every project in the lakehouse's derived tables (annotations are not read), sorted. */
  public List<String> projects() {
    Set<String> projects = new TreeSet<>();
    for (String t :
        List.of(
            Tables.OPERATIONS_DAILY,
            Tables.CONSENSUS_LABELS,
            Tables.WORKER_QUALITY,
            Tables.AGREEMENT_SUMMARY,
            Tables.ANOMALY_FLAGS)) {
      Dataset<Row> table = tables.apply(t);
      if (table != null) {
        table
            .select(Columns.PROJECT_ID)
            .where(col(Columns.PROJECT_ID).isNotNull())
            .distinct()
            .collectAsList()
            .forEach(r -> projects.add(r.getAs(Columns.PROJECT_ID)));
      }
    }
    return List.copyOf(projects);
  }

  /** Headline figures of a project for the index page, in the order of {@link #INDEX_HEADERS}. */
  public List<String> headline(String project) {
    Dataset<Row> ops = tables.apply(Tables.OPERATIONS_DAILY);
    Dataset<Row> consensus = tables.apply(Tables.CONSENSUS_LABELS);
    Dataset<Row> escalations = tables.apply(Tables.ESCALATIONS);
    Dataset<Row> paused = tables.apply(Tables.PAUSED_WORKERS);
    List<String> out = new ArrayList<>();
    Row answers =
        ops == null
            ? null
            : one(
                "headline-answers",
                project,
                () ->
                    ops.groupBy(Columns.PROJECT_ID)
                        .agg(sum(OperationsDaily.ANSWERS).as(Columns.ANSWERS)));
    out.add(answers == null ? "-" : format(answers.getAs(Columns.ANSWERS)));
    out.add(
        consensus == null
            ? "-"
            : format(
                countOf(
                    "headline-final",
                    project,
                    consensus.where(
                        col(Columns.DECISION)
                            .isin(lit("PENDING"), lit("ESCALATED"))
                            .unary_$bang()))));
    out.add(
        escalations == null ? "-" : format(countOf("headline-escalations", project, escalations)));
    out.add(paused == null ? "-" : format(countOf("headline-paused", project, paused)));
    return out;
  }

  public static final List<String> INDEX_HEADERS =
      List.of("answers", "final labels", "open escalations", "paused workers");

  /** The sections of a project's page, in reading order. */
  public List<Section> sections(String project) {
    return List.of(
        status(project),
        escalations(project),
        edgeCases(project),
        gold(project),
        agreement(project),
        anomalies(project),
        operations(project));
  }

  private Section status(String project) {
    String title = "Labeling status and outcome";
    Dataset<Row> consensus = tables.apply(Tables.CONSENSUS_LABELS);
    if (consensus == null) {
      return Section.missing("status", title, List.of(Tables.CONSENSUS_LABELS));
    }
    List<Row> counts =
        countsBy("status-decisions", project, consensus, Columns.STEP, Columns.DECISION);
    List<String> steps = new ArrayList<>(new TreeSet<>(strings(counts, "step")));
    Map<String, List<Double>> byDecision = new TreeMap<>();
    Map<String, Map<String, Long>> outcomes = new TreeMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (Row r : counts) {
      String step = r.getAs(Columns.STEP);
      String decision = r.getAs(Columns.DECISION);
      long n = r.<Long>getAs("n");
      byDecision
          .computeIfAbsent(decision, d -> zeros(steps.size()))
          .set(steps.indexOf(step), (double) n);
      OperationsDaily.Outcome o = OperationsDaily.Outcome.of(decision);
      rows.add(
          List.of(text(step), text(decision), format(n), o == null ? "-" : o.name().toLowerCase()));
      if (o != null) {
        outcomes
            .computeIfAbsent(step, k -> new TreeMap<>())
            .merge(o.name().toLowerCase(), n, Long::sum);
      }
    }
    List<Chart> charts = new ArrayList<>();
    charts.add(
        Charts.bars(
            "status-decisions",
            "Items by decision, per step",
            steps.stream().map(ReportData::text).toList(),
            textKeys(byDecision),
            true));
    List<List<String>> outcomeRows = new ArrayList<>();
    outcomes.forEach(
        (step, m) -> {
          long total = Counts.total(m);
          List<String> row = new ArrayList<>(List.of(text(step)));
          for (OperationsDaily.Outcome o : OperationsDaily.Outcome.values()) {
            long n = m.getOrDefault(o.name().toLowerCase(), 0L);
            row.add(format(n) + " (" + percent(total == 0 ? null : (double) n / total) + ")");
          }
          outcomeRows.add(row);
        });
    List<Table> out =
        List.of(
            new Table(
                "Three-way outcome of the items the crowd decided (gold and pending items aside)",
                List.of("step", "unanimous", "majority", "escalated"),
                outcomeRows,
                null),
            new Table(
                "Items by decision", List.of("step", "decision", "items", "outcome"), rows, null));
    Dataset<Row> ops = window(tables.apply(Tables.OPERATIONS_DAILY));
    if (ops != null && has(ops, OperationsDaily.OUTCOME_UNANIMOUS)) {
      List<Row> trend =
          rows(
              "status-trend",
              project,
              () ->
                  ops.groupBy(Columns.PROJECT_ID, OperationsDaily.DAY)
                      .agg(
                          sum(OperationsDaily.OUTCOME_UNANIMOUS).as("unanimous"),
                          sum(OperationsDaily.OUTCOME_MAJORITY).as("majority"),
                          sum(OperationsDaily.OUTCOME_ESCALATED).as("escalated"),
                          sum(OperationsDaily.ANSWERS).as(Columns.ANSWERS))
                      .orderBy(OperationsDaily.DAY));
      List<String> x = dayLabels(trend);
      Map<String, List<Double>> series = new LinkedHashMap<>();
      for (String outcome : List.of("unanimous", "majority", "escalated")) {
        series.put(outcome, column(trend, outcome));
      }
      charts.add(
          Charts.lines("status-trend", "Outcomes per day (last " + days + " days)", x, series));
      charts.add(
          Charts.lines(
              "status-answers",
              "Answers per day (last " + days + " days)",
              x,
              Map.of("answers", column(trend, "answers"))));
    }
    return new Section("status", title, null, List.of(), charts, out);
  }

  private Section escalations(String project) {
    String title = "Escalation backlog";
    Dataset<Row> escalations = tables.apply(Tables.ESCALATIONS);
    if (escalations == null) {
      return Section.missing("escalations", title, List.of(Tables.ESCALATIONS));
    }
    List<Row> byReason =
        rows(
            "escalations-reasons",
            project,
            () ->
                escalations
                    .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.REASON)
                    .agg(
                        count(lit(1)).as("n"),
                        org.apache.spark.sql.functions.avg("priority").as(Columns.PRIORITY))
                    .orderBy(Columns.STEP, Columns.REASON));
    List<String> reasons = new ArrayList<>(new TreeSet<>(strings(byReason, "reason")));
    Map<String, List<Double>> series = new TreeMap<>();
    for (Row r : byReason) {
      series
          .computeIfAbsent(text(r.getAs(Columns.STEP)), s -> zeros(reasons.size()))
          .set(reasons.indexOf(r.<String>getAs(Columns.REASON)), (double) r.<Long>getAs("n"));
    }
    List<Chart> charts = new ArrayList<>();
    charts.add(
        Charts.bars(
            "escalations-reasons",
            "Open escalations by reason",
            reasons.stream().map(ReportData::text).toList(),
            series,
            true));
    List<Table> out = new ArrayList<>();
    out.add(
        new Table(
            "Open escalations by reason",
            List.of("step", "reason", "items", "mean priority"),
            byReason.stream()
                .map(
                    r ->
                        List.of(
                            text(r.getAs(Columns.STEP)),
                            text(r.getAs(Columns.REASON)),
                            format(r.getAs("n")),
                            format(r.getAs(Columns.PRIORITY))))
                .toList(),
            null));
    Dataset<Row> ops = tables.apply(Tables.OPERATIONS_DAILY);
    List<String> notes = new ArrayList<>();
    if (ops != null && has(ops, OperationsDaily.ESCALATIONS_OPEN)) {
      Column age = col(OperationsDaily.BACKLOG_AGE_DAYS);
      Column bucket =
          when(age.leq(1), lit("0-1 days"))
              .when(age.leq(3), lit("2-3 days"))
              .when(age.leq(7), lit("4-7 days"))
              .otherwise(lit("8+ days"));
      List<Row> ages =
          rows(
              "escalations-ages",
              project,
              () ->
                  ops.where(col(OperationsDaily.ESCALATIONS_OPEN).gt(0))
                      .withColumn("age", bucket)
                      .groupBy(Columns.PROJECT_ID, Columns.STEP, "age")
                      .agg(sum(OperationsDaily.ESCALATIONS_OPEN).as("items"))
                      .orderBy(Columns.STEP, "age"));
      out.add(
          new Table(
              "Open escalations by age (days since the item was escalated, to " + logicalDate + ")",
              List.of("step", "age", "items"),
              ages.stream()
                  .map(
                      r ->
                          List.of(
                              text(r.getAs(Columns.STEP)),
                              r.<String>getAs("age"),
                              format(r.getAs("items"))))
                  .toList(),
              null));
    } else {
      notes.add(
          "Backlog by age needs " + Tables.OPERATIONS_DAILY + " (run 'annolake operations').");
    }
    return new Section("escalations", title, null, notes, charts, out);
  }

  /** The edge-case library: counts by status, then the cases, open ones first (oldest first). */
  private Section edgeCases(String project) {
    String title = "Edge cases";
    Dataset<Row> cases = tables.apply(Tables.EDGE_CASES);
    if (cases == null) {
      return Section.missing("edge-cases", title, List.of(Tables.EDGE_CASES));
    }
    List<String> statuses =
        Arrays.stream(EdgeCases.Status.values()).map(EdgeCases.Status::name).toList();
    List<Row> counts = countsBy("edge-cases-status", project, cases, Columns.STEP, Columns.STATUS);
    Map<String, long[]> byStep = new TreeMap<>();
    for (Row r : counts) {
      int s = statuses.indexOf(r.<String>getAs(Columns.STATUS));
      if (s >= 0) {
        byStep.computeIfAbsent(r.getAs(Columns.STEP), k -> new long[statuses.size()])[s] +=
            r.<Long>getAs("n");
      }
    }
    List<String> steps = new ArrayList<>(byStep.keySet());
    // in status order (open, resolved, folded), not alphabetical
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (int s = 0; s < statuses.size(); s++) {
      List<Double> values = new ArrayList<>();
      for (String step : steps) {
        values.add((double) byStep.get(step)[s]);
      }
      series.put(statuses.get(s).toLowerCase(), values);
    }
    List<Chart> charts = new ArrayList<>();
    if (!steps.isEmpty()) {
      charts.add(
          Charts.bars(
              "edge-cases-status",
              "Edge cases by status, per step",
              steps.stream().map(ReportData::text).toList(),
              series,
              true));
    }
    List<List<String>> countRows = new ArrayList<>();
    byStep.forEach(
        (step, n) -> {
          List<String> row = new ArrayList<>(List.of(text(step)));
          for (long v : n) {
            row.add(format(v));
          }
          countRows.add(row);
        });
    List<String> countHeaders = new ArrayList<>(List.of("step"));
    statuses.forEach(st -> countHeaders.add(st.toLowerCase()));
    Column statusRank =
        when(col(Columns.STATUS).equalTo(lit(EdgeCases.Status.OPEN.name())), 0)
            .when(col(Columns.STATUS).equalTo(lit(EdgeCases.Status.RESOLVED.name())), 1)
            .otherwise(2);
    Dataset<Row> listed =
        cases
            .withColumn("asked_by", EdgeCases.firstQuestion().getField("worker_id"))
            .withColumn("first_question", EdgeCases.firstQuestion().getField("question_text"));
    List<Table> out = new ArrayList<>();
    out.add(new Table("Edge cases by status", countHeaders, countRows, null));
    out.add(
        table(
            project,
            "Edge cases: open first (oldest first), then resolved, then folded into a guideline",
            listed,
            List.of(
                statusRank.asc(),
                col(Columns.OPENED_AT).asc_nulls_last(),
                col(Columns.STEP),
                col(Columns.ITEM_ID)),
            List.of(
                Columns.STEP,
                Columns.ITEM_ID,
                Columns.STATUS,
                Columns.STATUS_REASON,
                Columns.RAISED_UNDER_VERSION,
                Columns.OPENED_AT,
                Columns.QUESTION_COUNT,
                "asked_by",
                "first_question",
                Columns.RESOLVED_LABEL,
                Columns.RATIONALE,
                Columns.EXPERT_ID,
                Columns.RESOLVED_AT,
                Columns.FOLDED_INTO_VERSION)));
    return new Section(
        "edge-cases",
        title,
        null,
        List.of(
            "Items an annotator asked about, an expert decided with a rationale, or consensus"
                + " escalated (docs/OPERATIONS-MODEL.md). FOLDED: a later guideline version adds or"
                + " redefines the decided label."),
        charts,
        out);
  }

  private Section gold(String project) {
    String title = "Gold accuracy and worker status";
    Dataset<Row> quality = tables.apply(Tables.WORKER_QUALITY);
    if (quality == null) {
      return Section.missing("gold", title, List.of(Tables.WORKER_QUALITY));
    }
    List<Chart> charts = new ArrayList<>();
    List<Table> out = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Dataset<Row> judged = quality.where(col(Columns.GOLD_ANSWERS).gt(0));
    List<WorkerQualityRow> lowest =
        rows(
                "gold-workers",
                project,
                () ->
                    firstPerProject(
                            judged,
                            30,
                            col(Columns.CI_HIGH).asc(),
                            col(Columns.WORKER_ID),
                            col(Columns.STEP))
                        .select(
                            withProject(WorkerQualityRow.READER.select(judged))
                                .toArray(Column[]::new)))
            .stream()
            .map(WorkerQualityRow.READER::read)
            .toList();
    if (!lowest.isEmpty()) {
      List<String> names =
          lowest.stream()
              .map(
                  r ->
                      Display.worker(r.workerId())
                          + (r.step().equals("default") ? "" : " / " + r.step()))
              .map(ReportData::text)
              .toList();
      List<double[]> bounds =
          lowest.stream().map(r -> new double[] {r.ciLow(), r.accuracy(), r.ciHigh()}).toList();
      Number threshold = lowest.get(0).threshold();
      charts.add(
          Charts.intervals(
              "gold-workers",
              "Gold accuracy with Wilson interval: the "
                  + lowest.size()
                  + " workers with the lowest upper bound (line: threshold)",
              names,
              bounds,
              threshold == null ? null : threshold.doubleValue()));
    }
    out.add(
        table(
            project,
            "Workers by gold accuracy (lowest upper bound first)",
            quality,
            List.of(
                col(Columns.CI_HIGH).asc_nulls_last(), col(Columns.WORKER_ID), col(Columns.STEP)),
            List.of(
                Columns.STEP,
                Columns.WORKER_ID,
                Columns.WORKER_TYPE,
                Columns.STATUS,
                Columns.GOLD_ANSWERS,
                Columns.GOLD_CORRECT,
                Columns.ACCURACY,
                Columns.CI_LOW,
                Columns.CI_HIGH,
                Columns.THRESHOLD)));
    Dataset<Row> paused = tables.apply(Tables.PAUSED_WORKERS);
    if (paused == null) {
      notes.add("Paused workers: table " + Tables.PAUSED_WORKERS + " does not exist yet.");
    } else {
      Dataset<Row> events = tables.apply(Tables.WORKER_STATUS_EVENTS);
      Dataset<Row> withEvidence = paused;
      if (events != null && has(events, "evidence_answers")) {
        Dataset<Row> latestPause =
            events
                .where(col(Columns.TO_STATUS).equalTo(lit("PAUSED")))
                .withColumn(
                    "rank",
                    row_number()
                        .over(
                            Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID)
                                .orderBy(col(Columns.EVENT_AT).desc())))
                .where(col(Columns.RANK).equalTo(1))
                .select(
                    col(Columns.PROJECT_ID),
                    col(Columns.STEP),
                    col(Columns.WORKER_ID),
                    col(Columns.EVIDENCE_ANSWERS));
        withEvidence =
            paused.join(
                latestPause,
                io.annolake.common.spark.ScalaSeqs.of("project_id", "step", "worker_id"),
                "left_outer");
      }
      out.add(
          table(
              project,
              "Paused workers and the gold answers that paused them",
              withEvidence,
              List.of(col(Columns.STEP), col(Columns.WORKER_ID)),
              List.of(
                  Columns.STEP,
                  Columns.WORKER_ID,
                  Columns.PAUSED_SINCE,
                  Columns.REASON,
                  Columns.GOLD_ANSWERS,
                  Columns.WINDOW_ANSWERS,
                  Columns.WINDOW_CI_HIGH,
                  Columns.THRESHOLD,
                  Columns.EVIDENCE_ANSWERS)));
    }
    Dataset<Row> reinstated = tables.apply(Tables.WORKER_REINSTATEMENTS);
    if (reinstated == null) {
      notes.add(
          "Reinstatements: none recorded (table "
              + Tables.WORKER_REINSTATEMENTS
              + " does not exist yet).");
    } else {
      out.add(
          table(
              project,
              "Reinstatements by quality leads",
              reinstated,
              List.of(col(Columns.REINSTATED_AT).desc(), col(Columns.STEP), col(Columns.WORKER_ID)),
              List.of(
                  Columns.STEP,
                  Columns.WORKER_ID,
                  Columns.REINSTATED_AT,
                  Columns.LEAD_ID,
                  Columns.NOTE)));
    }
    Dataset<Row> health = tables.apply(Tables.GOLD_ITEM_HEALTH);
    if (health == null) {
      notes.add(
          "Gold items needing review: table " + Tables.GOLD_ITEM_HEALTH + " does not exist yet.");
    } else {
      out.add(
          table(
              project,
              "Gold items needing review (served often, mostly answered otherwise)",
              health.where(col(Columns.NEEDS_REVIEW)),
              List.of(
                  col(Columns.ACCURACY).asc(),
                  col(Columns.ITEM_ID),
                  col(Columns.STEP),
                  col(Columns.GUIDELINE_VERSION)),
              List.of(
                  Columns.STEP,
                  Columns.ITEM_ID,
                  Columns.GUIDELINE_VERSION,
                  Columns.GOLD_LABEL,
                  Columns.SERVED,
                  Columns.ANSWERED_CORRECT,
                  Columns.ACCURACY,
                  Columns.WORKERS)));
    }
    return new Section("gold", title, null, notes, charts, out);
  }

  private Section agreement(String project) {
    String title = "Agreement";
    Dataset<Row> summary = tables.apply(Tables.AGREEMENT_SUMMARY);
    if (summary == null) {
      return Section.missing("agreement", title, List.of(Tables.AGREEMENT_SUMMARY));
    }
    List<Chart> charts = new ArrayList<>();
    List<Table> out = new ArrayList<>();
    Column primary =
        col(Columns.METRIC)
            .equalTo(lit("krippendorff_alpha"))
            .and(col(Columns.LEVEL).equalTo(lit("nominal")));
    Dataset<Row> overall = summary.where(col(Columns.DAY).isNull());
    // the reader's columns include the project's
    List<AgreementSummaryRow> alpha =
        rows(
                "agreement-slices",
                project,
                () ->
                    overall
                        .where(primary.and(col(Columns.VALUE).isNotNull()))
                        .orderBy(Columns.STEP, Columns.GUIDELINE_VERSION)
                        .select(AgreementSummaryRow.READER.select(overall)))
            .stream()
            .map(AgreementSummaryRow.READER::read)
            .toList();
    if (!alpha.isEmpty()) {
      charts.add(
          Charts.intervals(
              "agreement-slices",
              "Krippendorff's alpha (nominal) per step and guideline version, 95% interval",
              alpha.stream().map(r -> text(r.step() + " / " + r.guidelineVersion())).toList(),
              alpha.stream().map(AgreementSummaryRow::interval).toList(),
              null));
    }
    List<Row> trend =
        rows(
            "agreement-trend",
            project,
            () ->
                window(summary.where(col(Columns.DAY).isNotNull()).where(primary))
                    .orderBy(Columns.DAY)
                    .select(
                        col(Columns.PROJECT_ID),
                        col(Columns.DAY).cast("string").as(Columns.DAY),
                        col(Columns.STEP),
                        col(Columns.GUIDELINE_VERSION),
                        col(Columns.VALUE)));
    if (!trend.isEmpty()) {
      List<String> x = new ArrayList<>(new TreeSet<>(strings(trend, "day")));
      Map<String, List<Double>> series = new TreeMap<>();
      for (Row r : trend) {
        series
            .computeIfAbsent(
                text(r.getAs(Columns.STEP) + " / " + r.getAs(Columns.GUIDELINE_VERSION)),
                k -> nulls(x.size()))
            .set(x.indexOf(r.<String>getAs(Columns.DAY)), r.<Double>getAs(Columns.VALUE));
      }
      charts.add(
          Charts.lines("agreement-trend", "Krippendorff's alpha (nominal) by day", x, series));
    }
    out.add(
        table(
            project,
            "Coefficients per step and guideline version (all days)",
            overall,
            List.of(
                col(Columns.STEP),
                col(Columns.GUIDELINE_VERSION),
                col(Columns.METRIC),
                col(Columns.LEVEL)),
            List.of(
                Columns.STEP,
                Columns.GUIDELINE_VERSION,
                Columns.METRIC,
                Columns.LEVEL,
                Columns.VALUE,
                Columns.CI_LOWER,
                Columns.CI_UPPER,
                Columns.N_ITEMS,
                Columns.STATUS,
                Columns.ERROR)));
    Dataset<Row> items = tables.apply(Tables.ITEM_AGREEMENT);
    if (items != null) {
      out.add(
          table(
              project,
              "Most contested items",
              items.where(col(Columns.N_ANNOTATIONS).geq(2)),
              List.of(
                  col(Columns.PERCENT_AGREEMENT).asc_nulls_last(),
                  col(Columns.ENTROPY_BITS).desc_nulls_last(),
                  col(Columns.ITEM_ID),
                  col(Columns.STEP),
                  col(Columns.GUIDELINE_VERSION),
                  col(Columns.DAY)),
              List.of(
                  Columns.STEP,
                  Columns.GUIDELINE_VERSION,
                  Columns.ITEM_ID,
                  Columns.N_ANNOTATIONS,
                  Columns.N_LABELS,
                  Columns.TOP_LABEL,
                  Columns.TOP_LABEL_SHARE,
                  Columns.PERCENT_AGREEMENT)));
    }
    return new Section(
        "agreement",
        title,
        null,
        items == null
            ? List.of("Contested items: table " + Tables.ITEM_AGREEMENT + " does not exist yet.")
            : List.of(),
        charts,
        out);
  }

  private Section anomalies(String project) {
    String title = "Anomaly flags";
    Dataset<Row> all = tables.apply(Tables.ANOMALY_FLAGS);
    if (all == null) {
      return Section.missing("anomalies", title, List.of(Tables.ANOMALY_FLAGS));
    }
    List<String> notes = new ArrayList<>();
    Dataset<Row> flags = all;
    if (has(all, "window_end")) {
      // the table keeps a history of windows: show each project's latest window up to the logical
      // date (all its flags when it has none)
      Column upToDate = col(Columns.WINDOW_END).leq(lit(Date.valueOf(logicalDate)));
      Column latest =
          max(when(upToDate, col(Columns.WINDOW_END))).over(Window.partitionBy(Columns.PROJECT_ID));
      flags =
          all.withColumn("latest_end", latest)
              .where(
                  col("latest_end")
                      .isNull()
                      .or(col(Columns.WINDOW_END).equalTo(col("latest_end"))));
      Row end =
          one(
              "anomalies-window",
              project,
              () ->
                  all.where(upToDate)
                      .groupBy(Columns.PROJECT_ID)
                      .agg(max("window_end").as(Columns.WINDOW_END)));
      if (end != null) {
        notes.add("Flags of the window ending " + end.getAs(Columns.WINDOW_END) + ".");
      }
    }
    List<Row> counts = countsBy("anomalies-codes", project, flags, Columns.CODE, Columns.SEVERITY);
    List<String> codes = new ArrayList<>(new TreeSet<>(strings(counts, "code")));
    Map<String, List<Double>> bySeverity = new TreeMap<>();
    for (Row r : counts) {
      bySeverity
          .computeIfAbsent(text(r.getAs(Columns.SEVERITY)), s -> zeros(codes.size()))
          .set(codes.indexOf(r.<String>getAs(Columns.CODE)), (double) r.<Long>getAs("n"));
    }
    List<Chart> charts =
        List.of(
            Charts.bars(
                "anomalies-codes",
                "Flags by code and severity",
                codes.stream().map(ReportData::text).toList(),
                bySeverity,
                true));
    List<Table> out = new ArrayList<>();
    out.add(
        new Table(
            "Flags by code and severity",
            List.of("code", "severity", "flags"),
            counts.stream()
                .map(
                    r ->
                        List.of(
                            text(r.getAs(Columns.CODE)),
                            text(r.getAs(Columns.SEVERITY)),
                            format(r.getAs("n"))))
                .toList(),
            null));
    Dataset<Row> workers = flags.where(col(Columns.ENTITY_TYPE).equalTo(lit("worker")));
    Column severityRank =
        when(col(Columns.SEVERITY).equalTo(lit("HIGH")), 3)
            .when(col(Columns.SEVERITY).equalTo(lit("MEDIUM")), 2)
            .otherwise(1);
    Dataset<Row> top =
        workers
            .withColumn("severity_rank", severityRank)
            .withColumn(
                "rank",
                row_number()
                    .over(
                        Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.ENTITY_ID)
                            .orderBy(
                                col("severity_rank").desc(),
                                col(Columns.SCORE).desc_nulls_last(),
                                col(Columns.CODE))))
            .withColumn(
                "flags",
                count(lit(1))
                    .over(Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.ENTITY_ID)))
            .where(col(Columns.RANK).equalTo(1))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ENTITY_ID).as(Columns.WORKER_ID),
                col("flags"),
                col(Columns.CODE).as("top_code"),
                col(Columns.SEVERITY),
                col(Columns.SCORE),
                col(Columns.EVIDENCE),
                col("severity_rank"));
    out.add(
        table(
            project,
            "Top flagged workers, with the evidence of their most severe flag",
            top,
            List.of(
                col("severity_rank").desc(),
                col("flags").desc(),
                col(Columns.WORKER_ID),
                col(Columns.STEP)),
            List.of(
                Columns.STEP,
                Columns.WORKER_ID,
                "flags",
                "top_code",
                Columns.SEVERITY,
                Columns.SCORE,
                Columns.EVIDENCE)));
    return new Section("anomalies", title, null, notes, charts, out);
  }

  private Section operations(String project) {
    String title = "Operations";
    Dataset<Row> ops = window(tables.apply(Tables.OPERATIONS_DAILY));
    if (ops == null) {
      return Section.missing("operations", title, List.of(Tables.OPERATIONS_DAILY));
    }
    List<Chart> charts = new ArrayList<>();
    List<Table> out = new ArrayList<>();
    boolean items = has(ops, OperationsDaily.ACCEPTED_LABELS);
    List<Row> trend =
        rows(
            "operations-cost",
            project,
            () ->
                ops.groupBy(Columns.PROJECT_ID, OperationsDaily.DAY)
                    .agg(
                        sum(OperationsDaily.COST).as(Columns.COST),
                        (items ? sum(OperationsDaily.ACCEPTED_LABELS) : lit(null).cast("long"))
                            .as("accepted"),
                        sum(OperationsDaily.GOLD_CORRECT).as(Columns.GOLD_CORRECT),
                        sum(OperationsDaily.GOLD_ANSWERS).as(Columns.GOLD_ANSWERS),
                        sum(OperationsDaily.REVISIONS).as(Columns.REVISIONS),
                        sum(OperationsDaily.ANSWERS).as(Columns.ANSWERS))
                    .orderBy(OperationsDaily.DAY));
    List<String> x = dayLabels(trend);
    Map<String, List<Double>> cost = new LinkedHashMap<>();
    cost.put("cost per accepted label", ratios(trend, "cost", "accepted"));
    cost.put("gold accuracy", ratios(trend, "gold_correct", "gold_answers"));
    cost.put("revision rate", ratios(trend, "revisions", "answers"));
    charts.add(
        Charts.lines(
            "operations-cost",
            "Cost per accepted label beside gold accuracy and revision rate",
            x,
            cost));
    out.add(
        table(
            project,
            "Per step and day (last " + days + " days)",
            ops,
            List.of(col(OperationsDaily.DAY).desc(), col(Columns.STEP)),
            List.of(
                Columns.DAY,
                Columns.STEP,
                Columns.ANSWERS,
                OperationsDaily.ITEMS_ANSWERED,
                OperationsDaily.ITEMS_FINAL,
                OperationsDaily.ACCEPTED_LABELS,
                OperationsDaily.OUTCOME_UNANIMOUS,
                OperationsDaily.OUTCOME_MAJORITY,
                OperationsDaily.OUTCOME_ESCALATED,
                OperationsDaily.ESCALATIONS_OPEN,
                OperationsDaily.REVISION_RATE,
                OperationsDaily.MEDIAN_HOURS_TO_FINAL,
                OperationsDaily.P90_HOURS_TO_FINAL,
                Columns.COST,
                OperationsDaily.COST_PER_ACCEPTED_LABEL,
                Columns.GOLD_ACCURACY,
                OperationsDaily.MEDIAN_MS_WITH_PRELABEL,
                OperationsDaily.MEDIAN_MS_WITHOUT_PRELABEL)));
    Dataset<Row> models =
        ops.select(
                col(Columns.PROJECT_ID),
                col(OperationsDaily.DAY),
                col(Columns.STEP),
                org.apache
                    .spark
                    .sql
                    .functions
                    .explode(col(OperationsDaily.PRELABEL_MODELS))
                    .as("m"))
            .select(col(Columns.PROJECT_ID), col(Columns.DAY), col(Columns.STEP), col("m.*"));
    out.add(
        table(
            project,
            "Pre-labels per model version",
            models,
            List.of(col(Columns.DAY).desc(), col(Columns.STEP), col("model")),
            List.of(
                Columns.DAY,
                Columns.STEP,
                "model",
                Columns.ANSWERS,
                "share_accepted_unchanged",
                "share_corrected",
                "gold_accepted",
                "gold_accuracy_accepted",
                Columns.MEDIAN_DURATION_MS)));
    return new Section("operations", title, null, List.of(), charts, out);
  }

  // ---- helpers

  /**
   * The rows of {@code project} in a query over every project (its rows carry the project id), the
   * query run on its first use only, under its name.
   */
  private List<Row> rows(String query, String project, Supplier<Dataset<Row>> allProjects) {
    return byProject
        .computeIfAbsent(
            query,
            q -> {
              Map<String, List<Row>> split = new HashMap<>();
              for (Row r : allProjects.get().collectAsList()) {
                split.computeIfAbsent(r.getAs(Columns.PROJECT_ID), p -> new ArrayList<>()).add(r);
              }
              return split;
            })
        .getOrDefault(project, List.of());
  }

  /** The one row of {@code project} in an aggregate grouped by project, or null. */
  private Row one(String query, String project, Supplier<Dataset<Row>> allProjects) {
    List<Row> r = rows(query, project, allProjects);
    return r.isEmpty() ? null : r.get(0);
  }

  /** Rows of {@code project} per pair of values of two columns (as "n"), in their order. */
  private List<Row> countsBy(
      String query, String project, Dataset<Row> rows, String first, String second) {
    return rows(
        query,
        project,
        () ->
            rows.groupBy(Columns.PROJECT_ID, first, second)
                .agg(count(lit(1)).as("n"))
                .orderBy(first, second));
  }

  /** Rows of {@code project} in a table (or a filter of it). */
  private long countOf(String query, String project, Dataset<Row> rows) {
    Row r = one(query, project, () -> rows.groupBy(Columns.PROJECT_ID).count());
    return r == null ? 0 : r.<Long>getAs("count");
  }

  /**
   * The first {@code n} rows of each project in the given order, ranked within the project. Orders
   * end with the rows' keys, so that a capped list and its order do not change from run to run.
   */
  private static Dataset<Row> firstPerProject(Dataset<Row> rows, int n, Column... order) {
    return rows.withColumn(
            ROW_IN_PROJECT,
            row_number().over(Window.partitionBy(Columns.PROJECT_ID).orderBy(order)))
        .where(col(ROW_IN_PROJECT).leq(n))
        .orderBy(Columns.PROJECT_ID, ROW_IN_PROJECT);
  }

  private static final String ROW_IN_PROJECT = "_row_in_project";

  /** The project's column, then the given ones. */
  private static List<Column> withProject(Column... columns) {
    List<Column> out = new ArrayList<>(List.of(col(Columns.PROJECT_ID)));
    out.addAll(Arrays.asList(columns));
    return out;
  }

  /** The trend window: the last {@code days} days up to the logical date. */
  private Dataset<Row> window(Dataset<Row> daily) {
    if (daily == null) {
      return null;
    }
    return daily.where(
        col(Columns.DAY)
            .between(
                lit(Date.valueOf(logicalDate.minusDays(days - 1L))),
                lit(Date.valueOf(logicalDate))));
  }

  /**
   * A capped table of the named columns the rows (of every project) have, in the given order within
   * the project; nested values as JSON; worker ids through {@link Display}. The caption names the
   * query.
   */
  Table table(
      String project, String caption, Dataset<Row> rows, List<Column> order, List<String> wanted) {
    Set<String> present = Set.of(rows.columns());
    List<String> names = wanted.stream().filter(present::contains).toList();
    List<Column> select = new ArrayList<>(List.of(col(Columns.PROJECT_ID)));
    for (String n : names) {
      StructField f = rows.schema().apply(n);
      boolean nested =
          f.dataType() instanceof StructType
              || f.dataType() instanceof ArrayType
              || f.dataType() instanceof MapType;
      select.add(nested ? to_json(col(n)).as(n) : col(n));
    }
    List<Row> collected =
        rows(
            caption,
            project,
            () ->
                firstPerProject(rows, maxRows + 1, order.toArray(Column[]::new))
                    .select(select.toArray(Column[]::new)));
    List<List<String>> cells = new ArrayList<>();
    for (Row r : collected.subList(0, Math.min(maxRows, collected.size()))) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        Object v = r.get(i + 1);
        line.add(
            isWorker(names.get(i)) && v != null ? text(Display.worker(v.toString())) : format(v));
      }
      cells.add(line);
    }
    String note =
        collected.size() > maxRows
            ? "First " + maxRows + " rows shown; the table has more."
            : collected.isEmpty() ? "No rows." : null;
    return new Table(caption, names, cells, note);
  }

  private static boolean isWorker(String column) {
    return column.equals("worker_id") || column.equals("worker_a") || column.equals("worker_b");
  }

  private static boolean has(Dataset<Row> rows, String column) {
    return Arrays.asList(rows.columns()).contains(column);
  }

  /** A value as the report shows it: numbers rounded, text capped by {@link Display#text}. */
  static String format(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      return d.isNaN()
          ? "NaN"
          : String.format(java.util.Locale.ROOT, Math.abs(d) >= 1000 ? "%,.0f" : "%.3f", d);
    }
    if (v instanceof Float || v instanceof java.math.BigDecimal) {
      return format(((Number) v).doubleValue());
    }
    if (v instanceof Long || v instanceof Integer) {
      return String.format(java.util.Locale.ROOT, "%,d", ((Number) v).longValue());
    }
    return text(v.toString());
  }

  static String text(String s) {
    return Display.text(s);
  }

  private static String percent(Double share) {
    return share == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share);
  }

  /** Per row, numerator / denominator (null where either is null or the denominator is 0). */
  private static List<Double> ratios(List<Row> rows, String numerator, String denominator) {
    List<Double> out = new ArrayList<>();
    for (Row r : rows) {
      Number n = r.getAs(numerator);
      Number d = r.getAs(denominator);
      out.add(
          n == null || d == null || d.doubleValue() == 0
              ? null
              : n.doubleValue() / d.doubleValue());
    }
    return out;
  }

  /** A numeric column of collected rows as doubles (nulls kept). */
  private static List<Double> column(List<Row> rows, String name) {
    List<Double> out = new ArrayList<>();
    for (Row r : rows) {
      Number v = r.getAs(name);
      out.add(v == null ? null : v.doubleValue());
    }
    return out;
  }

  private static List<String> strings(List<Row> rows, String name) {
    return rows.stream().map(r -> r.<String>getAs(name)).toList();
  }

  /** The days of a per-day aggregate, as the x axis of its charts. */
  private static List<String> dayLabels(List<Row> rows) {
    return rows.stream().map(r -> String.valueOf(r.<Object>getAs(OperationsDaily.DAY))).toList();
  }

  private static List<Double> zeros(int n) {
    return new ArrayList<>(java.util.Collections.nCopies(n, 0.0));
  }

  private static List<Double> nulls(int n) {
    return new ArrayList<>(java.util.Collections.nCopies(n, (Double) null));
  }

  private static Map<String, List<Double>> textKeys(Map<String, List<Double>> series) {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    series.forEach((k, v) -> out.put(text(k), v));
    return out;
  }
}
