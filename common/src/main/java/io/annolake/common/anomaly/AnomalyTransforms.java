package io.annolake.common.anomaly;

import static io.annolake.common.spark.MapColumns.collectEntries;
import static io.annolake.common.spark.MapColumns.sortedMap;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.quality.GoldAnswers;
import io.annolake.common.schema.AnomalySchemas;
import io.annolake.common.schema.Columns;
import io.annolake.common.spark.ScalaSeqs;
import io.annolake.common.stats.RobustStats;
import java.sql.Timestamp;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of anomaly detection: it gathers the statistics the pure detectors need (per
 * worker, pair and step; small, collected) and applies the annotation- and item-level rules
 * (duplicates, timestamps, timing outliers, contested items) where the data is.
 */
public final class AnomalyTransforms {
  private static final String[] WORKER = {"project_id", "step", "worker_id"};
  private static final String[] STEP = {"project_id", "step"};
  private static final String[] ITEM = {"project_id", "step", "item_id"};

  /** Floor of the robust scale of log durations (a step whose answers all take the same time). */
  private static final double LOG_DURATION_MIN_SCALE = 0.05;

  private static final int PERCENTILE_ACCURACY = 10_000;

  private AnomalyTransforms() {}

  /**
   * The window's answers with what the detectors join to them: {@code ms} (submitted_at in epoch
   * ms), {@code day} (UTC date), {@code consensus_label} (null without consensus) and {@code
   * gold_correct} (null when the answer is not on a gold item or without gold labels).
   *
   * <p>Partitioned by item (project, step, item): the item-level rules (daily peer counts,
   * duplicates, contested items, worker pairs) then group and join the cached rows where they are,
   * without shuffling them again. Gold joins without moving the answers when the caller hints it
   * for broadcast (a gold set is small beside its answers).
   */
  public static Dataset<Row> window(
      Dataset<Row> annotations,
      Dataset<Row> consensus,
      Dataset<Row> gold,
      Timestamp from,
      Timestamp until) {
    Dataset<Row> in =
        annotations
            .where(
                col(Columns.SUBMITTED_AT)
                    .geq(lit(from))
                    .and(col(Columns.SUBMITTED_AT).lt(lit(until))))
            .select(
                col(Columns.ANNOTATION_ID),
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col(Columns.WORKER_ID),
                col(Columns.WORKER_TYPE),
                col(Columns.LABEL),
                col(Columns.GUIDELINE_VERSION),
                col(Columns.DURATION_MS),
                col(Columns.PRELABEL),
                col(Columns.INGESTED_AT),
                col(Columns.BATCH_ID),
                expr("unix_millis(submitted_at)").as("ms"),
                to_date(col(Columns.SUBMITTED_AT)).as(Columns.DAY));
    in = GoldAnswers.judge(in, gold, Columns.GOLD_CORRECT).drop(Columns.GUIDELINE_VERSION);
    if (consensus == null) {
      return in.withColumn("consensus_label", lit(null).cast("string"))
          .repartition(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID));
    }
    return in.join(
        consensus.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.LABEL).as("consensus_label")),
        ScalaSeqs.of(ITEM),
        "left");
  }

  /**
   * DUPLICATE_SUBMISSION: every answer of a worker to an item after their first (HIGH when the
   * label changed).
   */
  public static Dataset<Row> duplicates(Dataset<Row> window) {
    WindowSpec byWorkerItem =
        Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, Columns.ITEM_ID)
            .orderBy(col("ms"), col(Columns.INGESTED_AT), col(Columns.ANNOTATION_ID));
    WindowSpec all =
        byWorkerItem.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    Dataset<Row> ranked =
        window
            .withColumn("n", row_number().over(byWorkerItem))
            .withColumn("first_id", first("annotation_id").over(all))
            .withColumn("first_label", first("label").over(all))
            .withColumn("first_ms", first("ms").over(all))
            .where(col("n").gt(1));
    Column same = col(Columns.LABEL).eqNullSafe(col("first_label"));
    return flagRows(
        ranked,
        lit(EntityType.ANNOTATION.value()),
        col(Columns.ANNOTATION_ID),
        AnomalyCode.DUPLICATE_SUBMISSION,
        when(same, lit(Severity.MEDIUM.name())).otherwise(lit(Severity.HIGH.name())),
        col("n").minus(1).cast("double"),
        struct(
            col(Columns.WORKER_ID),
            col(Columns.ITEM_ID),
            col("first_id").as("first_annotation_id"),
            same.as("same_label"),
            col("ms").minus(col("first_ms")).divide(1000.0).as("seconds_after_first"),
            col("n").as("submission_number")));
  }

  /**
   * IMPOSSIBLE_TIMESTAMP over every answer of the batches that landed answers in the window (a
   * timestamp months off falls outside the window itself): submitted after it was ingested,
   * duration_ms contradicting started_at..submitted_at, or submitted outside its batch's window
   * (the batch's [q, 1-q] quantiles widened by half their span, at least batch-margin).
   */
  public static Dataset<Row> impossibleTimestamps(
      Dataset<Row> annotations, Dataset<Row> window, AnomalySettings s) {
    Dataset<Row> batches = window.select(Columns.PROJECT_ID, Columns.BATCH_ID).distinct();
    Dataset<Row> scope =
        annotations
            .join(batches, ScalaSeqs.of("project_id", "batch_id"), "left_semi")
            .withColumn("ms", expr("unix_millis(submitted_at)"));
    double q = s.impossibleTimestamp().batchQuantile();
    Dataset<Row> bounds =
        scope
            .groupBy(Columns.PROJECT_ID, Columns.BATCH_ID)
            .agg(
                count(lit(1)).as("batch_records"),
                percentile_approx(col("ms"), array(lit(q), lit(1 - q)), lit(PERCENTILE_ACCURACY))
                    .as("q"))
            .withColumn(
                "margin",
                greatest(
                    lit((double) s.impossibleTimestamp().batchMarginMs()),
                    col("q").getItem(1).minus(col("q").getItem(0)).divide(2.0)))
            .withColumn("batch_from", col("q").getItem(0).minus(col("margin")))
            .withColumn("batch_to", col("q").getItem(1).plus(col("margin")));
    Column ingestedMs = expr("unix_millis(ingested_at)");
    Column startedMs = expr("unix_millis(started_at)");
    Column ahead = col("ms").minus(ingestedMs);
    Column mismatch = abs(col(Columns.DURATION_MS).minus(col("ms").minus(startedMs)));
    Column outsideBy =
        greatest(col("batch_from").minus(col("ms")), col("ms").minus(col("batch_to")));
    Column future = ahead.gt(s.impossibleTimestamp().clockSkewMs());
    Column contradicts =
        col(Columns.STARTED_AT)
            .isNotNull()
            .and(col(Columns.DURATION_MS).isNotNull())
            .and(mismatch.gt(s.impossibleTimestamp().durationToleranceMs()));
    Column outside =
        col("batch_records").geq(s.impossibleTimestamp().batchMinRecords()).and(outsideBy.gt(0));
    Dataset<Row> checked =
        scope
            .join(bounds, ScalaSeqs.of("project_id", "batch_id"))
            .withColumn("future", coalesce(future, lit(false)))
            .withColumn("contradicts", coalesce(contradicts, lit(false)))
            .withColumn("outside", coalesce(outside, lit(false)))
            .where(col("future").or(col("contradicts")).or(col("outside")));
    Column hours =
        greatest(
                when(col("future"), ahead).otherwise(0),
                when(col("contradicts"), mismatch).otherwise(0),
                when(col("outside"), outsideBy).otherwise(0))
            .divide(3_600_000.0);
    Column rules =
        expr(
            "filter(array(if(future, 'submitted after ingestion', null), "
                + "if(contradicts, 'duration_ms contradicts started_at..submitted_at', null), "
                + "if(outside, 'outside the batch window', null)), x -> x is not null)");
    return flagRows(
        checked,
        lit(EntityType.ANNOTATION.value()),
        col(Columns.ANNOTATION_ID),
        AnomalyCode.IMPOSSIBLE_TIMESTAMP,
        lit(Severity.HIGH.name()),
        hours,
        struct(
            rules.as("rules"),
            col(Columns.WORKER_ID),
            col(Columns.SUBMITTED_AT),
            col(Columns.STARTED_AT),
            col(Columns.DURATION_MS),
            // the clock of ingestion only where a rule used it: otherwise the evidence of a rerun
            // on a lakehouse ingested at another time would differ
            when(col("future"), col(Columns.INGESTED_AT)).as(Columns.INGESTED_AT),
            col(Columns.BATCH_ID),
            expr("timestamp_millis(cast(batch_from as long))").as("batch_window_from"),
            expr("timestamp_millis(cast(batch_to as long))").as("batch_window_to")));
  }

  /**
   * Per project and step: median duration, and median and MAD of log duration (answers with a
   * positive duration).
   */
  public static Dataset<Row> stepDurations(Dataset<Row> window) {
    Dataset<Row> timed =
        window
            .where(col(Columns.DURATION_MS).gt(0))
            .withColumn("log_d", log(col(Columns.DURATION_MS)));
    Dataset<Row> medians =
        timed
            .groupBy(Columns.PROJECT_ID, Columns.STEP)
            .agg(
                percentile_approx(
                        col(Columns.DURATION_MS).cast("double"), lit(0.5), lit(PERCENTILE_ACCURACY))
                    .as("median_ms"),
                percentile_approx(col("log_d"), lit(0.5), lit(PERCENTILE_ACCURACY))
                    .as("log_median"));
    Dataset<Row> mad =
        timed
            .join(medians, ScalaSeqs.of(STEP))
            .groupBy(Columns.PROJECT_ID, Columns.STEP)
            .agg(
                percentile_approx(
                        abs(col("log_d").minus(col("log_median"))),
                        lit(0.5),
                        lit(PERCENTILE_ACCURACY))
                    .as("log_mad"));
    return medians.join(mad, ScalaSeqs.of(STEP));
  }

  /**
   * TIMING_OUTLIER (LOW): answers whose log duration is outlier-z robust deviations from the
   * step's.
   */
  public static Dataset<Row> timingOutliers(
      Dataset<Row> window, Dataset<Row> stepDurations, AnomalySettings s) {
    Column z =
        log(col(Columns.DURATION_MS))
            .minus(col("log_median"))
            .divide(
                greatest(
                    col("log_mad").multiply(RobustStats.MAD_TO_SIGMA),
                    lit(LOG_DURATION_MIN_SCALE)));
    Dataset<Row> scored =
        window
            .where(col(Columns.DURATION_MS).gt(0))
            .join(org.apache.spark.sql.functions.broadcast(stepDurations), ScalaSeqs.of(STEP))
            .withColumn("z", z)
            .where(abs(col("z")).geq(s.timing().outlierZ()));
    return flagRows(
        scored,
        lit(EntityType.ANNOTATION.value()),
        col(Columns.ANNOTATION_ID),
        AnomalyCode.TIMING_OUTLIER,
        lit(Severity.LOW.name()),
        abs(col("z")),
        struct(
            col(Columns.WORKER_ID),
            col(Columns.DURATION_MS),
            col("median_ms").as("step_median_duration_ms"),
            expr("round(z, 3)").as("robust_z")));
  }

  /**
   * CONTESTED_ITEM: items with enough answers and no label above max-top-share of them (MEDIUM from
   * 5 answers).
   */
  public static Dataset<Row> contestedItems(Dataset<Row> window, AnomalySettings s) {
    Dataset<Row> perLabel =
        window
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID, Columns.LABEL)
            .agg(count(lit(1)).as("c"));
    Dataset<Row> items =
        perLabel
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID)
            .agg(
                sum("c").as("n"),
                max("c").as("top"),
                collectEntries(coalesce(col(Columns.LABEL), lit("")), col("c")).as("entries"))
            .withColumn("top_share", col("top").divide(col("n")))
            .where(
                col("n")
                    .geq(s.contested().minAnswers())
                    .and(col("top_share").leq(s.contested().maxTopShare())))
            // ordered only for the few items kept
            .withColumn(Columns.LABELS, sortedMap(col("entries")));
    return flagRows(
        items,
        lit(EntityType.ITEM.value()),
        col(Columns.ITEM_ID),
        AnomalyCode.CONTESTED_ITEM,
        when(col("n").geq(5), lit(Severity.MEDIUM.name())).otherwise(lit(Severity.LOW.name())),
        lit(1.0).minus(col("top_share")),
        struct(
            col("n").as(Columns.ANSWERS),
            expr("round(top_share, 4)").as("top_share"),
            col(Columns.LABELS)));
  }

  /** worker_daily_metrics rows (without run_id) for the window's days. */
  public static Dataset<Row> daily(Dataset<Row> window) {
    WindowSpec item = Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID);
    WindowSpec itemLabel =
        Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID, Columns.LABEL);
    Dataset<Row> answers =
        window
            .withColumn("others", count(lit(1)).over(item).minus(1))
            .withColumn("others_same", count(lit(1)).over(itemLabel).minus(1));
    Dataset<Row> perLabel =
        answers
            .groupBy(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.WORKER_ID),
                col(Columns.DAY),
                col(Columns.LABEL))
            .agg(
                count(lit(1)).as("c"),
                sum(when(col(Columns.GOLD_CORRECT).isNotNull(), 1).otherwise(0)).as("ga"),
                sum(when(col(Columns.GOLD_CORRECT), 1).otherwise(0)).as("gc"),
                sum(when(col("consensus_label").isNotNull(), 1).otherwise(0)).as("ca"),
                sum(when(col("consensus_label").eqNullSafe(col(Columns.LABEL)), 1).otherwise(0))
                    .as("cg"),
                sum("others").as("pc"),
                sum("others_same").as("pa"));
    Dataset<Row> perDay =
        perLabel
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, Columns.DAY)
            .agg(
                sum("c").as(Columns.ANNOTATIONS),
                sum(col("c").multiply(log(2.0, col("c")))).as("clogc"),
                sum("ga").as(Columns.GOLD_ANSWERS),
                sum("gc").as(Columns.GOLD_CORRECT),
                sum("ca").as(Columns.CONSENSUS_ANSWERS),
                sum("cg").as(Columns.CONSENSUS_AGREED),
                sum("pc").as(Columns.PEER_COMPARISONS),
                sum("pa").as(Columns.PEER_AGREED));
    Dataset<Row> medians =
        window
            .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, Columns.DAY)
            .agg(
                percentile_approx(
                        col(Columns.DURATION_MS).cast("double"), lit(0.5), lit(PERCENTILE_ACCURACY))
                    .as(Columns.MEDIAN_DURATION_MS));
    Column n = col(Columns.ANNOTATIONS);
    return perDay
        .join(medians, ScalaSeqs.of("project_id", "step", "worker_id", "day"))
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.WORKER_ID),
            col(Columns.DAY),
            n.cast("long").as(Columns.ANNOTATIONS),
            col(Columns.MEDIAN_DURATION_MS),
            greatest(lit(0.0), log(2.0, n).minus(col("clogc").divide(n)))
                .as(Columns.LABEL_ENTROPY_BITS),
            col(Columns.GOLD_ANSWERS).cast("long").as(Columns.GOLD_ANSWERS),
            col(Columns.GOLD_CORRECT).cast("long").as(Columns.GOLD_CORRECT),
            ratio("gold_correct", "gold_answers").as(Columns.GOLD_ACCURACY),
            col(Columns.CONSENSUS_ANSWERS).cast("long").as(Columns.CONSENSUS_ANSWERS),
            col(Columns.CONSENSUS_AGREED).cast("long").as(Columns.CONSENSUS_AGREED),
            ratio("consensus_agreed", "consensus_answers").as(Columns.CONSENSUS_AGREEMENT),
            col(Columns.PEER_COMPARISONS).cast("long").as(Columns.PEER_COMPARISONS),
            col(Columns.PEER_AGREED).cast("long").as(Columns.PEER_AGREED),
            ratio("peer_agreed", "peer_comparisons").as(Columns.PEER_AGREEMENT));
  }

  private static Column ratio(String part, String whole) {
    return when(col(whole).gt(0), col(part).cast("double").divide(col(whole)));
  }

  private static final StructType SEQUENCE =
      new StructType()
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("worker_id", DataTypes.StringType)
          .add("longest_run", DataTypes.IntegerType)
          .add("burst_count", DataTypes.IntegerType)
          .add("burst_start_ms", DataTypes.LongType)
          .add("burst_claimed_ms", DataTypes.LongType);

  /**
   * Per worker, from their answers in submission order (one shuffle by worker, Spark's sort within
   * it, then one pass over each partition on the executors): the longest run of one label and the
   * densest burst ({@link WorkerSequence}).
   */
  public static Dataset<Row> sequences(Dataset<Row> window, long burstWindowMs) {
    Dataset<Row> ordered =
        window
            .selectExpr(WorkerSequence.COLUMNS)
            .repartition(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.WORKER_ID))
            .sortWithinPartitions(
                Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, "ms", Columns.ANNOTATION_ID);
    return ordered.mapPartitions(
        (MapPartitionsFunction<Row, Row>) rows -> WorkerSequence.each(rows, burstWindowMs),
        Encoders.row(SEQUENCE));
  }

  /** Per worker: answers, type, median durations, pre-label and gold counts in the window. */
  public static Dataset<Row> workerScalars(Dataset<Row> window) {
    Column wrongPrelabel =
        col(Columns.PRELABEL)
            .isNotNull()
            .and(col("consensus_label").isNotNull())
            .and(col(Columns.PRELABEL).notEqual(col("consensus_label")));
    return window
        .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.WORKER_ID))
        .agg(
            count(lit(1)).as(Columns.ANSWERS),
            max("worker_type").as(Columns.WORKER_TYPE),
            percentile_approx(
                    col(Columns.DURATION_MS).cast("double"), lit(0.5), lit(PERCENTILE_ACCURACY))
                .as(Columns.MEDIAN_DURATION_MS),
            sum(when(wrongPrelabel, 1).otherwise(0)).as("wrong_prelabels"),
            sum(when(wrongPrelabel.and(col(Columns.LABEL).equalTo(col(Columns.PRELABEL))), 1)
                    .otherwise(0))
                .as("wrong_prelabels_accepted"),
            percentile_approx(
                    when(
                        col(Columns.PRELABEL).isNotNull(), col(Columns.DURATION_MS).cast("double")),
                    lit(0.5),
                    lit(PERCENTILE_ACCURACY))
                .as("prelabel_median_duration_ms"),
            sum(when(col(Columns.GOLD_CORRECT).isNotNull(), 1).otherwise(0))
                .as(Columns.GOLD_ANSWERS),
            sum(when(col(Columns.GOLD_CORRECT), 1).otherwise(0)).as(Columns.GOLD_CORRECT));
  }

  /** Per worker, given label and consensus label (null without consensus): answer counts. */
  public static Dataset<Row> labelCounts(Dataset<Row> window) {
    return window
        .groupBy(
            Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, Columns.LABEL, "consensus_label")
        .agg(count(lit(1)).as("n"));
  }

  /**
   * Co-answers of worker pairs on items with a consensus label, per consensus class: shared,
   * agreed, agreed on a label other than consensus; only pairs with at least {@code minShared}.
   */
  public static Dataset<Row> pairCounts(Dataset<Row> window, int minShared) {
    Dataset<Row> withConsensus = window.where(col("consensus_label").isNotNull());
    Dataset<Row> a =
        withConsensus.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.WORKER_ID).as("wa"),
            col(Columns.LABEL).as("la"),
            col("consensus_label").as("t"));
    Dataset<Row> b =
        withConsensus.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.WORKER_ID).as("wb"),
            col(Columns.LABEL).as("lb"));
    Column same = col("la").eqNullSafe(col("lb"));
    Dataset<Row> counts =
        a.join(b, ScalaSeqs.of(ITEM))
            .where(col("wa").lt(col("wb")))
            .groupBy(Columns.PROJECT_ID, Columns.STEP, "wa", "wb", "t")
            .agg(
                count(lit(1)).as("shared"),
                sum(when(same, 1).otherwise(0)).as("agreed"),
                sum(when(same.and(col("la").notEqual(col("t"))), 1).otherwise(0))
                    .as("wrong_agreed"));
    return counts
        .withColumn(
            "pair_shared",
            sum("shared").over(Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, "wa", "wb")))
        .where(col("pair_shared").geq(minShared));
  }

  /**
   * A flag dataset of {@link AnomalySchemas#FLAG} from rows with the given entity, severity, score
   * and evidence.
   */
  static Dataset<Row> flagRows(
      Dataset<Row> rows,
      Column entityType,
      Column entityId,
      AnomalyCode code,
      Column severity,
      Column score,
      Column evidence) {
    return rows.select(
        entityType.as(Columns.ENTITY_TYPE),
        entityId.as(Columns.ENTITY_ID),
        col(Columns.PROJECT_ID),
        col(Columns.STEP),
        lit(code.name()).as(Columns.CODE),
        severity.as(Columns.SEVERITY),
        score.cast("double").as(Columns.SCORE),
        to_json(evidence).as(Columns.EVIDENCE));
  }
}
