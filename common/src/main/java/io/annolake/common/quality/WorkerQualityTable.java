package io.annolake.common.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.spark.ScalaSeqs;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The worker_quality table (current figures, status and evidence) and the paused_workers view of
 * it.
 */
public final class WorkerQualityTable {
  private WorkerQualityTable() {}

  /**
   * One row per worker, project and step with any annotation; workers without gold answers
   * included.
   */
  public static Dataset<Row> build(
      Dataset<Row> annotations,
      Dataset<Row> goldAnswers,
      Dataset<Row> spans,
      QualitySettings settings,
      Instant asOf) {
    double z = settings.z();
    Dataset<Row> workers =
        annotations
            .groupBy("project_id", "step", "worker_id")
            .agg(max("worker_type").as("worker_type"), count(lit(1)).as("annotations"));
    Dataset<Row> current =
        spans
            .where(col("is_current"))
            .select(
                col("project_id"),
                col("step"),
                col("worker_id"),
                col("status"),
                col("latest_reason").as("status_reason"),
                col("valid_from").as("status_since"),
                col("window_answers"),
                col("window_correct"),
                col("window_ci_low"),
                col("window_ci_high"),
                col("retraining_streak"));
    scala.collection.Seq<String> on = ScalaSeqs.of(WorkerFigures.WORKER);
    Dataset<Row> joined =
        workers
            .join(WorkerFigures.allTime(goldAnswers, z), on, "left")
            .join(WorkerFigures.recent(goldAnswers, asOf, settings.windowDays(), z), on, "left")
            .join(WorkerFigures.perClass(goldAnswers), on, "left")
            .join(current, on, "left");
    Column answers = coalesce(col("gold_answers"), lit(0L));
    return joined.select(
        col("project_id"),
        col("step"),
        col("worker_id"),
        col("worker_type"),
        col("annotations"),
        answers.as("gold_answers"),
        coalesce(col("gold_correct"), lit(0L)).as("gold_correct"),
        col("accuracy"),
        col("ci_low"),
        col("ci_high"),
        coalesce(col("window_answers"), lit(0L)).as("window_answers"),
        coalesce(col("window_correct"), lit(0L)).as("window_correct"),
        when(
                col("window_answers").gt(0),
                col("window_correct").cast("double").divide(col("window_answers")))
            .as("window_accuracy"),
        col("window_ci_low"),
        col("window_ci_high"),
        lit(settings.windowDays()).as("recent_days"),
        coalesce(col("recent_answers"), lit(0L)).as("recent_answers"),
        coalesce(col("recent_correct"), lit(0L)).as("recent_correct"),
        col("recent_accuracy"),
        col("recent_ci_low"),
        col("recent_ci_high"),
        col("class_recall"),
        col("confusion"),
        coalesce(col("repeated_gold_items"), lit(0L)).as("repeated_gold_items"),
        answers.cast("double").divide(col("annotations")).as("gold_share"),
        lit(settings.goldShareTarget()).as("gold_share_target"),
        goldShareStatus(answers, col("annotations"), settings).as("gold_share_status"),
        threshold(settings).as("threshold"),
        coalesce(col("status"), lit(WorkerStatus.INSUFFICIENT_EVIDENCE.name())).as("status"),
        coalesce(col("status_reason"), lit("no gold answers yet")).as("status_reason"),
        coalesce(col("status_since"), lit(StatusTimeline.BEGINNING)).as("status_since"),
        coalesce(col("retraining_streak"), lit(0L)).as("retraining_streak"),
        lit(Timestamp.from(asOf)).as("as_of"));
  }

  /**
   * BELOW_TARGET / ABOVE_TARGET when the Wilson interval of the worker's gold share lies wholly
   * below / above the target, else ON_TARGET: a significance test, so a worker with 20 answers and
   * no gold is not flagged, one with 2,000 is. Too little gold means too little evidence; too much
   * can mean the worker recognises gold items and answers them selectively.
   */
  static Column goldShareStatus(Column goldAnswers, Column annotations, QualitySettings settings) {
    double target = settings.goldShareTarget();
    return when(
            WorkerFigures.wilsonHigh(goldAnswers, annotations, settings.z()).lt(target),
            "BELOW_TARGET")
        .when(
            WorkerFigures.wilsonLow(goldAnswers, annotations, settings.z()).gt(target),
            "ABOVE_TARGET")
        .otherwise("ON_TARGET");
  }

  /** The per project/step threshold as a column, matching {@link QualitySettings#thresholdFor}. */
  static Column threshold(QualitySettings settings) {
    Column t = lit(settings.threshold());
    for (Map.Entry<String, Double> e : settings.thresholdOverrides().entrySet()) {
      if (!e.getKey().contains("/")) {
        t = when(col("project_id").equalTo(e.getKey()), e.getValue()).otherwise(t);
      }
    }
    for (Map.Entry<String, Double> e : settings.thresholdOverrides().entrySet()) {
      int slash = e.getKey().lastIndexOf('/');
      if (slash >= 0) {
        t =
            when(
                    col("project_id")
                        .equalTo(e.getKey().substring(0, slash))
                        .and(col("step").equalTo(e.getKey().substring(slash + 1))),
                    e.getValue())
                .otherwise(t);
      }
    }
    return t;
  }

  /** paused_workers: the small table a labeling platform polls. */
  public static Dataset<Row> paused(Dataset<Row> workerQuality) {
    return workerQuality
        .where(col("status").equalTo(WorkerStatus.PAUSED.name()))
        .select(
            col("project_id"),
            col("step"),
            col("worker_id"),
            col("status_since").as("paused_since"),
            col("status_reason").as("reason"),
            col("gold_answers"),
            col("window_answers"),
            col("window_ci_high"),
            col("threshold"),
            col("retraining_streak"));
  }
}
