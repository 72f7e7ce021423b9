package io.annolake.common.agreement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.xxhash64;

import io.annolake.common.schema.Columns;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The Spark side of agreement, first step: the answers the coefficients use, grouped into cached
 * {@link UnitBlock}s. Then {@link UnitCoding} (global codes), {@link AgreementFold} (per-slice
 * statistics in one pass), {@link ItemAgreementRows} and {@link WorkerPairs}; {@link
 * AgreementComputation} runs them in order.
 *
 * <p>Why it is shaped this way (10^7 answers on 2 cores): the answers are scanned once and stay
 * Spark's internal rows through the one shuffle that brings a unit's answers together (sorted by
 * one long, a hash of group and item, which Spark radix-sorts); each partition codes its strings in
 * local dictionaries ({@link UnitBlock}, cached), merged on the driver into {@link AnswerCodes},
 * and every output is a pass over the cached blocks. Nothing per answer reaches the driver: only
 * the dictionaries, per-slice states, per-worker counts and a few contested units.
 */
public final class AgreementTransforms {
  private AgreementTransforms() {}

  /**
   * The answers the coefficients use, with only the columns they need: project_id, step,
   * guideline_version and day (null where not sliced by), item_id, worker_id, label, and
   * submitted_at as microseconds. Rows without label, item or worker are left out.
   */
  public static Dataset<Row> answers(Dataset<Row> annotations, AgreementSettings settings) {
    Column version =
        settings.slicedBy("guideline_version")
            ? col(Columns.GUIDELINE_VERSION)
            : lit(null).cast("string");
    Column day =
        settings.slicedBy("day")
            ? date_format(col(Columns.SUBMITTED_AT), "yyyy-MM-dd")
            : lit(null).cast("string");
    return annotations
        .where(
            col(Columns.LABEL)
                .isNotNull()
                .and(col(Columns.ITEM_ID).isNotNull())
                .and(col(Columns.WORKER_ID).isNotNull()))
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            version.as(Columns.GUIDELINE_VERSION),
            day.as(Columns.DAY),
            col(Columns.ITEM_ID),
            col(Columns.WORKER_ID),
            col(Columns.LABEL),
            unix_micros(col(Columns.SUBMITTED_AT)).as(UnitBlock.SUBMITTED_US));
  }

  /**
   * The units, one {@link UnitBlock} per partition (cache it): one scan of the answers and one
   * shuffle by a 64-bit hash of (project, step, item), sorted by that hash alone (Spark radix-sorts
   * one long). An item's units (one per guideline version and day) land together, and so does its
   * consensus label when {@code consensus} (consensus_labels, or null) has a final one (any
   * decision but PENDING): a row without a worker, so each answer is compared with it where it is
   * built, with no join. Rows stay Spark's internal rows from the scan to the blocks; worker and
   * label strings are coded per partition, so no pass over the answers is needed to build
   * dictionaries first.
   */
  public static JavaRDD<UnitBlock> unitBlocks(Dataset<Row> answers, Dataset<Row> consensus) {
    Column k = xxhash64(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID));
    Column[] columns = UnitBlock.COLUMNS.stream().map(functions::col).toArray(Column[]::new);
    Dataset<Row> rows = answers.withColumn(UnitBlock.K, k).select(columns);
    if (consensus != null) {
      Column none = lit(null).cast("string");
      rows =
          rows.union(
              consensus
                  .where(
                      col(Columns.LABEL).isNotNull().and(col(Columns.DECISION).notEqual("PENDING")))
                  .withColumn(UnitBlock.K, k)
                  .withColumn(Columns.GUIDELINE_VERSION, none)
                  .withColumn(Columns.DAY, none)
                  .withColumn(Columns.WORKER_ID, none)
                  .withColumn(UnitBlock.SUBMITTED_US, lit(null).cast("long"))
                  .select(columns));
    }
    return rows.repartition(col(UnitBlock.K))
        .sortWithinPartitions(col(UnitBlock.K))
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitionsWithIndex((p, it) -> List.of(UnitBlock.build(p, it)).iterator(), true);
  }

  /** Broadcasts a value to the executors (the caller destroys it). */
  public static <T> Broadcast<T> broadcast(SparkSession spark, T value) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(value);
  }

  static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
