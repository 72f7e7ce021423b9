package io.annolake.common.quality;

import static io.annolake.common.spark.MapColumns.collectMap;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.schema.Columns;
import io.annolake.common.spark.ScalaSeqs;
import io.annolake.common.stats.Wilson;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per worker, project and step gold figures: all-time, time window, per-class recall, confusion,
 * leakage.
 */
public final class WorkerFigures {
  static final String[] WORKER = {"project_id", "step", "worker_id"};

  private WorkerFigures() {}

  /**
   * gold_answers, gold_correct, accuracy (= correct / answers exactly), ci_low, ci_high over all
   * gold answers.
   */
  public static Dataset<Row> allTime(Dataset<Row> goldAnswers, double z) {
    return counts(goldAnswers, "gold_answers", "gold_correct")
        .withColumn(
            Columns.ACCURACY,
            col(Columns.GOLD_CORRECT).cast("double").divide(col(Columns.GOLD_ANSWERS)))
        .withColumn(
            Columns.CI_LOW, wilsonLow(col(Columns.GOLD_CORRECT), col(Columns.GOLD_ANSWERS), z))
        .withColumn(
            Columns.CI_HIGH, wilsonHigh(col(Columns.GOLD_CORRECT), col(Columns.GOLD_ANSWERS), z));
  }

  /** The same figures over gold answers in (asOf - days, asOf], prefixed {@code recent_}. */
  public static Dataset<Row> recent(Dataset<Row> goldAnswers, Instant asOf, int days, double z) {
    Timestamp from = Timestamp.from(asOf.minus(days, ChronoUnit.DAYS));
    return counts(
            goldAnswers.where(col(Columns.SUBMITTED_AT).gt(lit(from))),
            "recent_answers",
            "recent_correct")
        .withColumn(
            "recent_accuracy",
            col(Columns.RECENT_CORRECT).cast("double").divide(col(Columns.RECENT_ANSWERS)))
        .withColumn(
            Columns.RECENT_CI_LOW,
            wilsonLow(col(Columns.RECENT_CORRECT), col(Columns.RECENT_ANSWERS), z))
        .withColumn(
            Columns.RECENT_CI_HIGH,
            wilsonHigh(col(Columns.RECENT_CORRECT), col(Columns.RECENT_ANSWERS), z));
  }

  private static Dataset<Row> counts(Dataset<Row> goldAnswers, String answers, String correct) {
    return goldAnswers
        .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID)
        .agg(count(lit(1)).as(answers), sum(when(col("correct"), 1L).otherwise(0L)).as(correct));
  }

  /**
   * class_recall: gold label -> share answered correctly; confusion: gold label -> answered label
   * -> count; repeated_gold_items: gold items the worker answered more than once (leakage).
   */
  public static Dataset<Row> perClass(Dataset<Row> goldAnswers) {
    Dataset<Row> cells =
        goldAnswers
            .groupBy(
                Columns.PROJECT_ID,
                Columns.STEP,
                Columns.WORKER_ID,
                Columns.GOLD_LABEL,
                Columns.LABEL)
            .count();
    Dataset<Row> rows =
        cells
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, Columns.GOLD_LABEL)
            .agg(
                collectMap(col(Columns.LABEL), col("count")).as("answered"),
                sum("count").as("n"),
                sum(when(col(Columns.LABEL).equalTo(col(Columns.GOLD_LABEL)), col("count"))
                        .otherwise(0L))
                    .as("ok"));
    Dataset<Row> confusion =
        rows.groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID)
            .agg(
                collectMap(col(Columns.GOLD_LABEL), col("ok").cast("double").divide(col("n")))
                    .as(Columns.CLASS_RECALL),
                collectMap(col(Columns.GOLD_LABEL), col("answered")).as(Columns.CONFUSION));
    Dataset<Row> leakage =
        goldAnswers
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, Columns.ITEM_ID)
            .count()
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID)
            .agg(sum(when(col("count").gt(1), 1L).otherwise(0L)).as(Columns.REPEATED_GOLD_ITEMS));
    return confusion.join(leakage, ScalaSeqs.of(WORKER), "full");
  }

  /** Wilson bounds as Spark columns (same formula as {@link Wilson}); null without answers. */
  static Column wilsonLow(Column correct, Column n, double z) {
    return when(
        n.gt(0),
        org.apache.spark.sql.functions.greatest(
            lit(0.0), center(correct, n, z).minus(half(correct, n, z))));
  }

  static Column wilsonHigh(Column correct, Column n, double z) {
    return when(
        n.gt(0),
        org.apache.spark.sql.functions.least(
            lit(1.0), center(correct, n, z).plus(half(correct, n, z))));
  }

  private static Column center(Column correct, Column n, double z) {
    Column p = correct.cast("double").divide(n);
    return p.plus(lit(z * z).divide(n.multiply(2.0))).divide(lit(1.0).plus(lit(z * z).divide(n)));
  }

  private static Column half(Column correct, Column n, double z) {
    Column p = correct.cast("double").divide(n);
    Column variance =
        p.multiply(lit(1.0).minus(p))
            .divide(n)
            .plus(lit(z * z).divide(n.multiply(n).multiply(4.0)));
    return lit(z).multiply(sqrt(variance)).divide(lit(1.0).plus(lit(z * z).divide(n)));
  }
}
