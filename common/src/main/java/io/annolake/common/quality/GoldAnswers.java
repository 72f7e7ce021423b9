package io.annolake.common.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.schema.Columns;
import io.annolake.common.spark.ScalaSeqs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Gold answers: annotations on items with a known answer, each judged against the gold label of the
 * guideline version it was made under (an answer under v1 is judged by v1's gold label).
 * Optionally, answers submitted before an expert adjudication are judged by the adjudication.
 */
public final class GoldAnswers {
  public static final String SOURCE_GOLD = "gold";
  public static final String SOURCE_ADJUDICATION = "adjudication";

  /** A gold label's key: an answer is judged by the gold label of its guideline version. */
  private static final String[] KEY = {
    Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID, Columns.GUIDELINE_VERSION
  };

  private GoldAnswers() {}

  /**
   * @param adjudications silver adjudications, or null when absent or not counted as gold
   * @return project_id, step, worker_id, item_id, guideline_version, annotation_id, submitted_at,
   *     label, gold_label, gold_source, correct
   */
  public static Dataset<Row> of(
      Dataset<Row> annotations, Dataset<Row> gold, Dataset<Row> adjudications) {
    Dataset<Row> a =
        annotations.select(
            "project_id",
            "step",
            "worker_id",
            "item_id",
            "guideline_version",
            "annotation_id",
            "submitted_at",
            "label");
    Dataset<Row> g = labels(gold);
    Dataset<Row> fromGold =
        a.join(g, ScalaSeqs.of(KEY), "inner").withColumn("gold_source", lit(SOURCE_GOLD));
    Dataset<Row> answers = fromGold;
    if (adjudications != null) {
      // The latest decision per item; an answer counts only if it came before that decision.
      Dataset<Row> latest =
          adjudications
              .withColumn(
                  "rank",
                  row_number()
                      .over(
                          Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID)
                              .orderBy(col(Columns.DECIDED_AT).desc(), col(Columns.EXPERT_ID))))
              .where(col(Columns.RANK).equalTo(1))
              .select(
                  col(Columns.PROJECT_ID),
                  col(Columns.STEP),
                  col(Columns.ITEM_ID),
                  col(Columns.LABEL).as(Columns.GOLD_LABEL),
                  col(Columns.DECIDED_AT),
                  col(Columns.EXPERT_ID));
      Dataset<Row> notGold =
          a.join(
              g.select(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID).distinct(),
              ScalaSeqs.of("project_id", "step", "item_id"),
              "left_anti");
      Dataset<Row> fromAdjudication =
          notGold
              .join(latest, ScalaSeqs.of("project_id", "step", "item_id"), "inner")
              .where(
                  col(Columns.SUBMITTED_AT)
                      .lt(col(Columns.DECIDED_AT))
                      .and(col(Columns.WORKER_ID).notEqual(col(Columns.EXPERT_ID))))
              .drop(Columns.DECIDED_AT, Columns.EXPERT_ID)
              .withColumn("gold_source", lit(SOURCE_ADJUDICATION));
      answers = fromGold.unionByName(fromAdjudication);
    }
    return answers.withColumn("correct", correct(col(Columns.LABEL), col(Columns.GOLD_LABEL)));
  }

  /**
   * The answers with {@code column}: true or false on gold items, judged as {@link #of} judges them
   * (same project, step, item and guideline version), null elsewhere or without gold. One left join
   * with the gold labels (small: the caller may hint them for broadcast), rather than judging the
   * gold answers apart and joining them back by annotation id.
   */
  public static Dataset<Row> judge(Dataset<Row> answers, Dataset<Row> gold, String column) {
    if (gold == null) {
      return answers.withColumn(column, lit(null).cast("boolean"));
    }
    return answers
        .join(labels(gold), ScalaSeqs.of(KEY), "left")
        .withColumn(
            column,
            when(
                col(Columns.GOLD_LABEL).isNotNull(),
                correct(col(Columns.LABEL), col(Columns.GOLD_LABEL))))
        .drop(Columns.GOLD_LABEL);
  }

  /** Whether an answer's label is right against a gold label (an empty answer never is). */
  private static Column correct(Column label, Column goldLabel) {
    return label.equalTo(goldLabel).and(label.isNotNull());
  }

  /** The gold labels by their key ({@link #KEY}), the label as gold_label. */
  private static Dataset<Row> labels(Dataset<Row> gold) {
    return gold.select(
        col(Columns.PROJECT_ID),
        col(Columns.STEP),
        col(Columns.ITEM_ID),
        col(Columns.GUIDELINE_VERSION),
        col(Columns.LABEL).as(Columns.GOLD_LABEL));
  }

  /**
   * Gold-set health per gold item: how often served and answered correctly, how many workers saw it
   * more than once (leakage), and whether it needs expert review (served often, mostly failed).
   */
  public static Dataset<Row> itemHealth(
      Dataset<Row> goldAnswers, Dataset<Row> gold, QualitySettings settings) {
    String[] item = {"project_id", "step", "item_id", "guideline_version"};
    Dataset<Row> perWorker =
        goldAnswers
            .where(col("gold_source").equalTo(SOURCE_GOLD))
            .groupBy(
                Columns.PROJECT_ID,
                Columns.STEP,
                Columns.ITEM_ID,
                Columns.GUIDELINE_VERSION,
                Columns.WORKER_ID)
            .agg(count(lit(1)).as("n"), sum(when(col("correct"), 1).otherwise(0)).as("ok"));
    Dataset<Row> stats =
        perWorker
            .groupBy(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col(Columns.GUIDELINE_VERSION))
            .agg(
                sum("n").as(Columns.SERVED),
                sum("ok").as(Columns.ANSWERED_CORRECT),
                countDistinct("worker_id").as(Columns.WORKERS),
                sum(when(col("n").gt(1), 1).otherwise(0)).as(Columns.REPEAT_WORKERS));
    Column served = org.apache.spark.sql.functions.coalesce(col(Columns.SERVED), lit(0L));
    Column correct =
        org.apache.spark.sql.functions.coalesce(col(Columns.ANSWERED_CORRECT), lit(0L));
    Column accuracy = when(served.gt(0), correct.cast("double").divide(served));
    return gold.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.GUIDELINE_VERSION),
            col(Columns.LABEL).as(Columns.GOLD_LABEL))
        .join(stats, ScalaSeqs.of(item), "left")
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.GUIDELINE_VERSION),
            col(Columns.GOLD_LABEL),
            served.cast("long").as(Columns.SERVED),
            correct.cast("long").as(Columns.ANSWERED_CORRECT),
            accuracy.as(Columns.ACCURACY),
            org.apache
                .spark
                .sql
                .functions
                .coalesce(col(Columns.WORKERS), lit(0L))
                .as(Columns.WORKERS),
            org.apache
                .spark
                .sql
                .functions
                .coalesce(col(Columns.REPEAT_WORKERS), lit(0L))
                .cast("long")
                .as(Columns.REPEAT_WORKERS),
            served
                .geq(settings.reviewMinServed())
                .and(accuracy.leq(settings.reviewMaxAccuracy()))
                .as(Columns.NEEDS_REVIEW));
  }
}
