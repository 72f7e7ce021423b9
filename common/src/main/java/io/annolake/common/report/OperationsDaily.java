package io.annolake.common.report;

import static io.annolake.common.spark.MapColumns.collectMap;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.quality.GoldAnswers;
import io.annolake.common.schema.Columns;
import io.annolake.common.spark.ScalaSeqs;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code operations_daily} table: per project, step and day, what a quality lead runs the
 * operation by — answers and items, final labels by decision, the three-way outcome, the open
 * escalation backlog by reason and age, revision rate, time to a final label, cost per accepted
 * label beside gold accuracy, and pre-label figures per model version.
 *
 * <p>Days are UTC days. An answer counts on the day it was submitted; an item counts on the day it
 * reached its decision: the latest adjudication for ADJUDICATED items, else its last answer (the
 * answer that made the decision possible). PENDING items have no day. Only days up to the logical
 * date are kept.
 */
public final class OperationsDaily {
  /**
   * Three-way outcome of an item the crowd decided (the design's "unanimous, majority, escalated").
   */
  public enum Outcome {
    /** Every answer gave the same label (AUTO_APPROVED). */
    UNANIMOUS,
    /** A clear, not unanimous majority (ACCEPTED, or MAJORITY where a policy names it so). */
    MAJORITY,
    /** Sent to an expert: still ESCALATED, or already ADJUDICATED. */
    ESCALATED;

    /**
     * The outcome of a {@code consensus_labels} decision; null for GOLD, PENDING and unknown
     * decisions.
     */
    public static Outcome of(String decision) {
      if (decision == null) {
        return null;
      }
      return switch (decision) {
        case "AUTO_APPROVED" -> UNANIMOUS;
        case "ACCEPTED", "MAJORITY" -> MAJORITY;
        case "ESCALATED", "ADJUDICATED" -> ESCALATED;
        default -> null;
      };
    }
  }

  /**
   * Decisions whose item has a label accepted for training, gold items aside (their label was
   * known).
   */
  public static final List<String> ACCEPTED_DECISIONS =
      List.of("AUTO_APPROVED", "ACCEPTED", "MAJORITY", "ADJUDICATED");

  /** Decisions that are not (yet) a final label. */
  public static final List<String> OPEN_DECISIONS = List.of("PENDING", "ESCALATED");

  public static final String DAY = "day";
  public static final String ANSWERS = "answers";
  public static final String ITEMS_ANSWERED = "items_answered";
  public static final String REVISIONS = "revisions";
  public static final String REVISION_RATE = "revision_rate";
  public static final String COST = "cost";
  public static final String GOLD_ANSWERS = "gold_answers";
  public static final String GOLD_CORRECT = "gold_correct";
  public static final String GOLD_ACCURACY = "gold_accuracy";
  public static final String MEDIAN_MS_WITH_PRELABEL = "median_duration_ms_with_prelabel";
  public static final String MEDIAN_MS_WITHOUT_PRELABEL = "median_duration_ms_without_prelabel";
  public static final String ITEMS_FINAL = "items_final";
  public static final String ITEMS_BY_DECISION = "items_by_decision";
  public static final String ACCEPTED_LABELS = "accepted_labels";
  public static final String COST_PER_ACCEPTED_LABEL = "cost_per_accepted_label";
  public static final String OUTCOME_UNANIMOUS = "outcome_unanimous";
  public static final String OUTCOME_MAJORITY = "outcome_majority";
  public static final String OUTCOME_ESCALATED = "outcome_escalated";
  public static final String MEDIAN_HOURS_TO_FINAL = "median_hours_to_final";
  public static final String P90_HOURS_TO_FINAL = "p90_hours_to_final";
  public static final String ESCALATIONS_OPEN = "escalations_open";
  public static final String ESCALATIONS_OPEN_BY_REASON = "escalations_open_by_reason";
  public static final String BACKLOG_AGE_DAYS = "backlog_age_days";
  public static final String PRELABEL_MODELS = "prelabel_models";
  public static final String LOGICAL_DATE = "logical_date";

  /** Model name for pre-labels whose model is not recorded. */
  public static final String UNKNOWN_MODEL = "(unknown model)";

  private static final String[] KEY = {"project_id", "step", DAY};

  private OperationsDaily() {}

  /**
   * The table's rows (no action runs).
   *
   * @param annotations silver annotations
   * @param consensus consensus_labels, or null before consensus ran (no item figures then)
   * @param escalations escalations, or null
   * @param gold gold_labels, or null
   * @param adjudications adjudications, or null
   * @param logicalDate the last day kept; the backlog's age is counted to it
   */
  public static Dataset<Row> compute(
      Dataset<Row> annotations,
      Dataset<Row> consensus,
      Dataset<Row> escalations,
      Dataset<Row> gold,
      Dataset<Row> adjudications,
      LocalDate logicalDate) {
    Date last = Date.valueOf(logicalDate);
    Dataset<Row> answers =
        GoldAnswers.judge(annotations, gold, "correct")
            .withColumn(DAY, to_date(col(Columns.SUBMITTED_AT)))
            .where(col(DAY).leq(lit(last)));
    Dataset<Row> daily = answerFigures(answers);
    if (consensus != null) {
      Dataset<Row> items = itemFigures(itemEvents(answers, consensus, adjudications), escalations);
      daily = daily.join(items, ScalaSeqs.of(KEY), "full_outer").where(col(DAY).leq(lit(last)));
    } else {
      daily = daily.withColumn(ITEMS_FINAL, lit(null).cast("long"));
    }
    daily = daily.join(prelabelFigures(answers), ScalaSeqs.of(KEY), "left_outer");
    if (consensus != null) {
      Column accepted = col(ACCEPTED_LABELS);
      daily =
          daily.withColumn(
              COST_PER_ACCEPTED_LABEL, when(accepted.gt(0), col(COST).divide(accepted)));
    }
    return daily
        .withColumn(BACKLOG_AGE_DAYS, datediff(lit(last), col(DAY)))
        .withColumn(LOGICAL_DATE, lit(last))
        .select(columns(consensus != null));
  }

  private static Column[] columns(boolean withItems) {
    List<String> names =
        new java.util.ArrayList<>(
            List.of(
                "project_id",
                "step",
                DAY,
                ANSWERS,
                ITEMS_ANSWERED,
                REVISIONS,
                REVISION_RATE,
                COST,
                GOLD_ANSWERS,
                GOLD_CORRECT,
                GOLD_ACCURACY,
                MEDIAN_MS_WITH_PRELABEL,
                MEDIAN_MS_WITHOUT_PRELABEL,
                ITEMS_FINAL));
    if (withItems) {
      names.addAll(
          List.of(
              ITEMS_BY_DECISION,
              ACCEPTED_LABELS,
              COST_PER_ACCEPTED_LABEL,
              OUTCOME_UNANIMOUS,
              OUTCOME_MAJORITY,
              OUTCOME_ESCALATED,
              MEDIAN_HOURS_TO_FINAL,
              P90_HOURS_TO_FINAL,
              ESCALATIONS_OPEN,
              ESCALATIONS_OPEN_BY_REASON));
    }
    names.addAll(List.of(BACKLOG_AGE_DAYS, PRELABEL_MODELS, LOGICAL_DATE));
    return names.stream().map(n -> col(n)).toArray(Column[]::new);
  }

  private static Dataset<Row> answerFigures(Dataset<Row> answers) {
    Column prelabelled = col(Columns.PRELABEL).isNotNull();
    Column duration = col(Columns.DURATION_MS).cast("double");
    // Distinct items are counted apart: a distinct count beside percentile_approx in one aggregate
    // makes Spark aggregate per (day, item) first and merge millions of quantile digests (a 10M
    // run's operations job ran for more than ten minutes in those merges).
    Dataset<Row> items =
        answers
            .select(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY), col(Columns.ITEM_ID))
            .distinct()
            .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY))
            .agg(count(lit(1)).as(ITEMS_ANSWERED));
    return answers
        .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY))
        .agg(
            count(lit(1)).as(ANSWERS),
            sum(coalesce(col(Columns.REVISION), lit(1)).minus(1)).cast("long").as(REVISIONS),
            sum(col(Columns.COST)).cast("double").as(COST),
            count(col("correct")).as(GOLD_ANSWERS),
            sum(when(col("correct"), 1).otherwise(0)).cast("long").as(GOLD_CORRECT),
            percentile_approx(when(prelabelled, duration), lit(0.5), lit(10000))
                .as(MEDIAN_MS_WITH_PRELABEL),
            percentile_approx(when(prelabelled.unary_$bang(), duration), lit(0.5), lit(10000))
                .as(MEDIAN_MS_WITHOUT_PRELABEL))
        .join(items, ScalaSeqs.of(KEY))
        .withColumn(REVISION_RATE, col(REVISIONS).divide(col(ANSWERS)))
        .withColumn(
            GOLD_ACCURACY,
            when(col(GOLD_ANSWERS).gt(0), col(GOLD_CORRECT).divide(col(GOLD_ANSWERS))));
  }

  /**
   * One row per decided item: decision, outcome, first answer, the instant it reached its decision
   * ({@code decided_at}) and its day; PENDING items are left out.
   */
  static Dataset<Row> itemEvents(
      Dataset<Row> answers, Dataset<Row> consensus, Dataset<Row> adjudications) {
    Dataset<Row> span =
        answers
            .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID))
            .agg(
                min(col(Columns.SUBMITTED_AT)).as("first_at"),
                max(col(Columns.SUBMITTED_AT)).as("last_at"));
    Dataset<Row> items =
        consensus
            .where(col(Columns.DECISION).notEqual(lit("PENDING")))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col(Columns.DECISION))
            .join(span, ScalaSeqs.of("project_id", "step", "item_id"), "left_outer");
    Column decidedAt = col("last_at");
    if (adjudications != null) {
      Dataset<Row> latest =
          adjudications
              .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID))
              .agg(max(col(Columns.DECIDED_AT)).as("adjudicated_at"));
      items = items.join(latest, ScalaSeqs.of("project_id", "step", "item_id"), "left_outer");
      decidedAt =
          when(
                  col(Columns.DECISION)
                      .equalTo(lit("ADJUDICATED"))
                      .and(col("adjudicated_at").isNotNull()),
                  col("adjudicated_at"))
              .otherwise(col("last_at"));
    }
    Column outcome =
        when(col(Columns.DECISION).equalTo(lit("AUTO_APPROVED")), lit(Outcome.UNANIMOUS.name()))
            .when(
                col(Columns.DECISION).isin(lit("ACCEPTED"), lit("MAJORITY")),
                lit(Outcome.MAJORITY.name()))
            .when(
                col(Columns.DECISION).isin(lit("ESCALATED"), lit("ADJUDICATED")),
                lit(Outcome.ESCALATED.name()));
    return items
        .withColumn(Columns.DECIDED_AT, decidedAt)
        .withColumn("outcome", outcome)
        .withColumn(DAY, to_date(col(Columns.DECIDED_AT)))
        .where(col(DAY).isNotNull());
  }

  private static Dataset<Row> itemFigures(Dataset<Row> items, Dataset<Row> escalations) {
    Column isFinal =
        col(Columns.DECISION)
            .isin(OPEN_DECISIONS.stream().map(d -> lit(d)).toArray())
            .unary_$bang();
    Column hours =
        col(Columns.DECIDED_AT).cast("double").minus(col("first_at").cast("double")).divide(3600.0);
    Column finalHours = when(isFinal, hours);
    Dataset<Row> byDecision =
        items
            .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY), col(Columns.DECISION))
            .agg(count(lit(1)).as("n"))
            .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY))
            .agg(collectMap(col(Columns.DECISION), col("n")).as(ITEMS_BY_DECISION));
    Dataset<Row> figures =
        items
            .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY))
            .agg(
                sum(when(isFinal, 1).otherwise(0)).cast("long").as(ITEMS_FINAL),
                sum(when(
                            col(Columns.DECISION)
                                .isin(ACCEPTED_DECISIONS.stream().map(d -> lit(d)).toArray()),
                            1)
                        .otherwise(0))
                    .cast("long")
                    .as(ACCEPTED_LABELS),
                outcomeCount(Outcome.UNANIMOUS).as(OUTCOME_UNANIMOUS),
                outcomeCount(Outcome.MAJORITY).as(OUTCOME_MAJORITY),
                outcomeCount(Outcome.ESCALATED).as(OUTCOME_ESCALATED),
                percentile_approx(finalHours, lit(0.5), lit(10000)).as(MEDIAN_HOURS_TO_FINAL),
                percentile_approx(finalHours, lit(0.9), lit(10000)).as(P90_HOURS_TO_FINAL))
            .join(byDecision, ScalaSeqs.of(KEY));
    Dataset<Row> open;
    if (escalations != null) {
      Dataset<Row> escalated =
          items
              .where(col(Columns.DECISION).equalTo(lit("ESCALATED")))
              .join(
                  escalations.select(
                      col(Columns.PROJECT_ID),
                      col(Columns.STEP),
                      col(Columns.ITEM_ID),
                      col(Columns.REASON)),
                  ScalaSeqs.of("project_id", "step", "item_id"));
      open =
          escalated
              .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY), col(Columns.REASON))
              .agg(count(lit(1)).as("n"))
              .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY))
              .agg(
                  sum(col("n")).cast("long").as(ESCALATIONS_OPEN),
                  collectMap(col(Columns.REASON), col("n")).as(ESCALATIONS_OPEN_BY_REASON));
      figures =
          figures
              .join(open, ScalaSeqs.of(KEY), "left_outer")
              .withColumn(ESCALATIONS_OPEN, coalesce(col(ESCALATIONS_OPEN), lit(0L)));
    } else {
      figures =
          figures
              .withColumn(ESCALATIONS_OPEN, lit(null).cast("long"))
              .withColumn(ESCALATIONS_OPEN_BY_REASON, lit(null).cast("map<string,bigint>"));
    }
    return figures;
  }

  private static Column outcomeCount(Outcome outcome) {
    return sum(when(col("outcome").equalTo(lit(outcome.name())), 1).otherwise(0)).cast("long");
  }

  /** Per project, step and day: one struct per pre-label model (answers shown its pre-label). */
  private static Dataset<Row> prelabelFigures(Dataset<Row> answers) {
    Column unchanged = col(Columns.LABEL).equalTo(col(Columns.PRELABEL));
    Column goldUnchanged = col("correct").isNotNull().and(unchanged);
    Dataset<Row> perModel =
        answers
            .where(col(Columns.PRELABEL).isNotNull())
            .withColumn("model", coalesce(col(Columns.PRELABEL_MODEL), lit(UNKNOWN_MODEL)))
            .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY), col("model"))
            .agg(
                count(lit(1)).as(Columns.ANSWERS),
                sum(when(unchanged, 1).otherwise(0)).cast("long").as("accepted_unchanged"),
                sum(when(goldUnchanged, 1).otherwise(0)).cast("long").as("gold_accepted"),
                sum(when(goldUnchanged.and(col("correct")), 1).otherwise(0))
                    .cast("long")
                    .as("gold_accepted_correct"),
                percentile_approx(col(Columns.DURATION_MS).cast("double"), lit(0.5), lit(10000))
                    .as(Columns.MEDIAN_DURATION_MS));
    Column n = col(Columns.ANSWERS);
    return perModel
        .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(DAY))
        .agg(
            array_sort(
                    collect_list(
                        struct(
                            col("model"),
                            n,
                            col("accepted_unchanged"),
                            n.minus(col("accepted_unchanged")).as("corrected"),
                            col("accepted_unchanged").divide(n).as("share_accepted_unchanged"),
                            n.minus(col("accepted_unchanged")).divide(n).as("share_corrected"),
                            col("gold_accepted"),
                            col("gold_accepted_correct"),
                            when(
                                    col("gold_accepted").gt(0),
                                    col("gold_accepted_correct").divide(col("gold_accepted")))
                                .as("gold_accuracy_accepted"),
                            col(Columns.MEDIAN_DURATION_MS))))
                .as(PRELABEL_MODELS));
  }
}
