package io.annolake.common.agreement;

import io.annolake.common.agreement.AgreementFold.Fold;
import io.annolake.common.agreement.UnitCoding.Coding;
import io.annolake.common.agreement.UnitCoding.Grouped;
import io.annolake.common.agreement.UnitCoding.Recoding;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Agreement of one set of annotations, sequenced: the answers grouped by unit once (cached blocks),
 * the dictionaries merged and broadcast, every slice folded in one pass; each output table is then
 * a pass over the cached blocks, read lazily by its writer. Close it after the writes: it holds the
 * cache and the broadcasts.
 */
public final class AgreementComputation implements AutoCloseable {
  private final SparkSession spark;
  private final AgreementSettings settings;
  private final JavaRDD<UnitBlock> blocks;
  private Broadcast<Recoding> recoding;
  private Broadcast<Coding> coding;
  private JavaRDD<ItemAnswers> items;
  private Fold fold;
  private List<Row> summary;
  private List<Row> workers;

  private AgreementComputation(
      SparkSession spark, AgreementSettings settings, JavaRDD<UnitBlock> blocks) {
    this.spark = spark;
    this.settings = settings;
    this.blocks = blocks;
  }

  /**
   * Groups and folds the answers (the work before the writes).
   *
   * @param annotations silver annotations already narrowed to the run's project and logical date
   * @param schemas label_schemas, or null
   * @param consensus consensus_labels of the same project, or null (no comparison with consensus)
   * @param step told the name of each step as it starts (progress)
   */
  public static AgreementComputation run(
      Dataset<Row> annotations,
      Dataset<Row> schemas,
      Dataset<Row> consensus,
      AgreementSettings settings,
      Consumer<String> step) {
    step.accept("grouping answers by item");
    JavaRDD<UnitBlock> blocks =
        AgreementTransforms.unitBlocks(
                AgreementTransforms.answers(annotations, settings), consensus)
            .persist(StorageLevel.MEMORY_AND_DISK());
    AgreementComputation c = new AgreementComputation(annotations.sparkSession(), settings, blocks);
    try {
      c.fold(schemas, consensus != null, step);
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private void fold(Dataset<Row> schemas, boolean withConsensus, Consumer<String> step) {
    Grouped grouped =
        UnitCoding.grouped(blocks.map(UnitBlock::dictionary).collect(), settings, schemas);
    recoding = AgreementTransforms.broadcast(spark, grouped.recoding());
    coding = AgreementTransforms.broadcast(spark, grouped.coding());
    items = UnitCoding.items(blocks, recoding);
    step.accept(
        "folding "
            + grouped.coding().categories().size()
            + " slices ("
            + settings.resamples()
            + " resamples)");
    fold = AgreementFold.fold(items, coding, settings, 5);
    summary = AgreementFold.summaryRows(fold.states(), grouped.coding().categories(), settings);
    workers = AgreementFold.workerRows(fold, coding.value().codes(), withConsensus);
  }

  /** The slices with units. */
  public int slices() {
    return fold.states().size();
  }

  /** The units (items per slice) folded: item_agreement's row count. */
  public long units() {
    long n = 0;
    for (PoissonBootstrap state : fold.states().values()) {
      n += Math.round(state.estimate().items());
    }
    return n;
  }

  /** agreement_summary's rows: one per slice and coefficient. */
  public List<Row> summaryRows() {
    return summary;
  }

  /** The most contested units, as item_agreement rows. */
  public List<Row> contested() {
    return fold.contested();
  }

  public Dataset<Row> summary() {
    return AgreementFold.summary(spark, summary);
  }

  /** worker_agreement's rows (per worker and slice). */
  public List<Row> workerRows() {
    return workers;
  }

  public Dataset<Row> workerAgreement() {
    return AgreementFold.workerAgreement(spark, workers);
  }

  public Dataset<Row> itemAgreement() {
    return ItemAgreementRows.itemAgreement(items, coding);
  }

  /** worker_pair_agreement (its row count is known only once written). */
  public Dataset<Row> workerPairs() {
    return WorkerPairs.workerPairs(items, coding, settings);
  }

  @Override
  public void close() {
    blocks.unpersist();
    for (Broadcast<?> b : java.util.Arrays.asList(recoding, coding)) {
      if (b != null) {
        b.destroy();
      }
    }
  }
}
