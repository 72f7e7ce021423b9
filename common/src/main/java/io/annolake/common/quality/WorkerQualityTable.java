package io.annolake.common.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.schema.Columns;
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
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID)
            .agg(max("worker_type").as(Columns.WORKER_TYPE), count(lit(1)).as(Columns.ANNOTATIONS));
    Dataset<Row> current =
        spans
            .where(col("is_current"))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.WORKER_ID),
                col(Columns.STATUS),
                col("latest_reason").as(Columns.STATUS_REASON),
                col(Columns.VALID_FROM).as(Columns.STATUS_SINCE),
                col(Columns.WINDOW_ANSWERS),
                col(Columns.WINDOW_CORRECT),
                col(Columns.WINDOW_CI_LOW),
                col(Columns.WINDOW_CI_HIGH),
                col(Columns.RETRAINING_STREAK));
    scala.collection.Seq<String> on = ScalaSeqs.of(WorkerFigures.WORKER);
    Dataset<Row> joined =
        workers
            .join(WorkerFigures.allTime(goldAnswers, z), on, "left")
            .join(WorkerFigures.recent(goldAnswers, asOf, settings.windowDays(), z), on, "left")
            .join(WorkerFigures.perClass(goldAnswers), on, "left")
            .join(current, on, "left");
    Column answers = coalesce(col(Columns.GOLD_ANSWERS), lit(0L));
    return joined.select(
        col(Columns.PROJECT_ID),
        col(Columns.STEP),
        col(Columns.WORKER_ID),
        col(Columns.WORKER_TYPE),
        col(Columns.ANNOTATIONS),
        answers.as(Columns.GOLD_ANSWERS),
        coalesce(col(Columns.GOLD_CORRECT), lit(0L)).as(Columns.GOLD_CORRECT),
        col(Columns.ACCURACY),
        col(Columns.CI_LOW),
        col(Columns.CI_HIGH),
        coalesce(col(Columns.WINDOW_ANSWERS), lit(0L)).as(Columns.WINDOW_ANSWERS),
        coalesce(col(Columns.WINDOW_CORRECT), lit(0L)).as(Columns.WINDOW_CORRECT),
        when(
                col(Columns.WINDOW_ANSWERS).gt(0),
                col(Columns.WINDOW_CORRECT).cast("double").divide(col(Columns.WINDOW_ANSWERS)))
            .as(Columns.WINDOW_ACCURACY),
        col(Columns.WINDOW_CI_LOW),
        col(Columns.WINDOW_CI_HIGH),
        lit(settings.windowDays()).as(Columns.RECENT_DAYS),
        coalesce(col(Columns.RECENT_ANSWERS), lit(0L)).as(Columns.RECENT_ANSWERS),
        coalesce(col(Columns.RECENT_CORRECT), lit(0L)).as(Columns.RECENT_CORRECT),
        col(Columns.RECENT_ACCURACY),
        col(Columns.RECENT_CI_LOW),
        col(Columns.RECENT_CI_HIGH),
        col(Columns.CLASS_RECALL),
        col(Columns.CONFUSION),
        coalesce(col(Columns.REPEATED_GOLD_ITEMS), lit(0L)).as(Columns.REPEATED_GOLD_ITEMS),
        answers.cast("double").divide(col(Columns.ANNOTATIONS)).as(Columns.GOLD_SHARE),
        lit(settings.goldShareTarget()).as(Columns.GOLD_SHARE_TARGET),
        goldShareStatus(answers, col(Columns.ANNOTATIONS), settings).as(Columns.GOLD_SHARE_STATUS),
        threshold(settings).as(Columns.THRESHOLD),
        coalesce(col(Columns.STATUS), lit(WorkerStatus.INSUFFICIENT_EVIDENCE.name()))
            .as(Columns.STATUS),
        coalesce(col(Columns.STATUS_REASON), lit("no gold answers yet")).as(Columns.STATUS_REASON),
        coalesce(col(Columns.STATUS_SINCE), lit(StatusTimeline.BEGINNING)).as(Columns.STATUS_SINCE),
        coalesce(col(Columns.RETRAINING_STREAK), lit(0L)).as(Columns.RETRAINING_STREAK),
        lit(Timestamp.from(asOf)).as(Columns.AS_OF));
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
        t = when(col(Columns.PROJECT_ID).equalTo(e.getKey()), e.getValue()).otherwise(t);
      }
    }
    for (Map.Entry<String, Double> e : settings.thresholdOverrides().entrySet()) {
      int slash = e.getKey().lastIndexOf('/');
      if (slash >= 0) {
        t =
            when(
                    col(Columns.PROJECT_ID)
                        .equalTo(e.getKey().substring(0, slash))
                        .and(col(Columns.STEP).equalTo(e.getKey().substring(slash + 1))),
                    e.getValue())
                .otherwise(t);
      }
    }
    return t;
  }

  /** paused_workers: the small table a labeling platform polls. */
  public static Dataset<Row> paused(Dataset<Row> workerQuality) {
    return workerQuality
        .where(col(Columns.STATUS).equalTo(WorkerStatus.PAUSED.name()))
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.WORKER_ID),
            col(Columns.STATUS_SINCE).as(Columns.PAUSED_SINCE),
            col(Columns.STATUS_REASON).as(Columns.REASON),
            col(Columns.GOLD_ANSWERS),
            col(Columns.WINDOW_ANSWERS),
            col(Columns.WINDOW_CI_HIGH),
            col(Columns.THRESHOLD),
            col(Columns.RETRAINING_STREAK));
  }
}
