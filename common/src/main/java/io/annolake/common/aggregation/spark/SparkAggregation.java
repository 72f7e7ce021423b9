package io.annolake.common.aggregation.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.annolake.common.aggregation.EmProgram;
import io.annolake.common.aggregation.EmRunner;
import io.annolake.common.aggregation.ItemBlock;
import io.annolake.common.aggregation.Posteriors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs {@link EmProgram}s on Spark. The answers are indexed once into cached item blocks; each
 * iteration broadcasts only the small state (workers x K x K for Dawid-Skene), sums sufficient
 * statistics per partition, then in a fixed order (partition index, then a coalesced second level
 * when there are many partitions), so a re-run gives bit-identical results. Nothing per answer
 * reaches the driver; only worker and label ids (the dictionaries of the state) are collected.
 *
 * <p>Lineage stays one step long: every iteration is a fresh map over the cached, locally
 * checkpointed blocks, and the previous broadcast is destroyed, so iteration 100 costs what
 * iteration 1 costs.
 */
public final class SparkAggregation {
  /** Above this many partitions the statistics are summed in two levels before the driver. */
  private static final int FAN_IN = 16;

  /** Schema of one item's posterior row. */
  public static final StructType CANDIDATE =
      new StructType().add("label", DataTypes.StringType, false).add("posterior", DataTypes.DoubleType, false);

  public static final StructType POSTERIORS =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("crowd_label", DataTypes.StringType, false)
          .add("crowd_confidence", DataTypes.DoubleType, false)
          .add("n_annotations", DataTypes.IntegerType, false)
          .add("n_agreeing", DataTypes.IntegerType, false)
          .add("candidates", DataTypes.createArrayType(CANDIDATE, false), false);

  private SparkAggregation() {}

  /**
   * Indexes one task's answers.
   *
   * @param answers rows with item_id, worker_id, label
   * @param gold rows with item_id, label (known answers), or null
   * @param declaredLabels the schema's labels (part of the label set even if nobody chose them)
   * @param partitions partitions of the cached blocks
   */
  public static IndexedTask index(
      String projectId, String step, Dataset<Row> answers, Dataset<Row> gold, Collection<String> declaredLabels,
      int partitions) {
    Dataset<Row> a = answers.select(col("item_id"), col("worker_id"), col("label"));
    Dataset<Row> withGold =
        gold == null
            ? a.withColumn("gold_label", org.apache.spark.sql.functions.lit(null).cast("string"))
            : a.join(
                gold.groupBy("item_id").agg(max("label").as("gold_label")), new String[] {"item_id"}, "left");
    TreeSet<String> labelSet = new TreeSet<>(declaredLabels);
    labelSet.addAll(a.select("label").distinct().as(Encoders.STRING()).collectAsList());
    if (gold != null) {
      labelSet.addAll(withGold.select("gold_label").where(col("gold_label").isNotNull()).distinct()
          .as(Encoders.STRING()).collectAsList());
    }
    List<String> workers = a.select("worker_id").distinct().orderBy("worker_id").as(Encoders.STRING()).collectAsList();
    String[] workerIds = workers.toArray(String[]::new);
    String[] labelIds = labelSet.toArray(String[]::new);
    JavaRDD<ItemBlock> blocks =
        withGold
            .select("item_id", "worker_id", "label", "gold_label")
            .repartition(partitions, col("item_id"))
            .sortWithinPartitions("item_id", "worker_id", "label")
            .javaRDD()
            .mapPartitions(rows -> List.of(BlockBuilder.build(rows, workerIds, labelIds)).iterator())
            .persist(StorageLevel.MEMORY_AND_DISK());
    blocks.rdd().localCheckpoint();
    blocks.count();
    return new IndexedTask(projectId, step, List.of(workerIds), List.of(labelIds), blocks);
  }

  /** Fits a program over the task's blocks. */
  public static EmRunner.Outcome fit(IndexedTask task, EmProgram program) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(task.blocks().context());
    return EmRunner.run(program, state -> pass(jsc, task.blocks(), program, state));
  }

  /** One pass: per-partition statistics under a broadcast state, summed in partition order. */
  static double[] pass(JavaSparkContext jsc, JavaRDD<ItemBlock> blocks, EmProgram program, double[] state) {
    Broadcast<double[]> shared = state == null ? null : jsc.broadcast(state);
    int size = program.statsSize();
    try {
      JavaRDD<double[]> partial =
          blocks.mapPartitions(
              it -> {
                double[] stats = new double[size];
                double[] s = shared == null ? null : shared.value();
                while (it.hasNext()) {
                  program.accumulate(s, it.next(), stats);
                }
                return List.of(stats).iterator();
              });
      int n = partial.getNumPartitions();
      if (n > FAN_IN) {
        partial = partial.coalesce((int) Math.ceil(Math.sqrt(n)), false)
            .mapPartitions(it -> List.of(sumInOrder(it, size)).iterator());
      }
      return sumInOrder(partial.collect().iterator(), size);
    } finally {
      if (shared != null) {
        shared.destroy();
      }
    }
  }

  private static double[] sumInOrder(java.util.Iterator<double[]> parts, int size) {
    double[] total = new double[size];
    while (parts.hasNext()) {
      double[] p = parts.next();
      for (int i = 0; i < size; i++) {
        total[i] += p[i];
      }
    }
    return total;
  }

  /** Posterior rows of every item under {@code state} (the reported state of a fit). */
  public static Dataset<Row> posteriors(SparkSession spark, IndexedTask task, EmProgram program, double[] state) {
    String[] labels = task.labels().toArray(String[]::new);
    String project = task.projectId();
    String step = task.step();
    Broadcast<double[]> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(state);
    JavaRDD<Row> rows =
        task.blocks()
            .flatMap(
                block -> {
                  double[] s = shared.value();
                  List<Row> out = new ArrayList<>(block.items());
                  double[] post = new double[labels.length];
                  for (int i = 0; i < block.items(); i++) {
                    program.posterior(s, block, i, post);
                    out.add(row(project, step, block, i, post, labels));
                  }
                  return out.iterator();
                });
    return spark.createDataFrame(rows, POSTERIORS);
  }

  private static Row row(String project, String step, ItemBlock block, int i, double[] post, String[] labels) {
    int best = Posteriors.argmax(post);
    int agreeing = 0;
    for (int a = block.start(i); a < block.end(i); a++) {
      agreeing += block.label(a) == best ? 1 : 0;
    }
    Integer[] order = new Integer[labels.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    java.util.Arrays.sort(order, (x, y) -> post[x] != post[y] ? Double.compare(post[y], post[x]) : Integer.compare(x, y));
    List<Row> candidates = new ArrayList<>(labels.length);
    for (int k : order) {
      candidates.add(RowFactory.create(labels[k], post[k]));
    }
    return RowFactory.create(
        project, step, block.itemId(i), labels[best], post[best], block.end(i) - block.start(i), agreeing,
        scala.collection.JavaConverters.asScalaBuffer(candidates).toList());
  }
}
