package io.annolake.common.aggregation.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.annolake.common.aggregation.EmProgram;
import io.annolake.common.aggregation.EmRunner;
import io.annolake.common.aggregation.ItemBlock;
import io.annolake.common.aggregation.Posteriors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
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

  /** Key of a (project, step) task. */
  public static String taskKey(String project, String step) {
    return project + "\u0000" + step;
  }

  /** Every task's answers indexed in one shuffle, and the cached blocks they share. */
  public record Indexed(List<IndexedTask> tasks, JavaRDD<TaskBlock> shared) implements AutoCloseable {
    @Override
    public void close() {
      shared.unpersist(false);
    }
  }

  /**
   * Indexes every (project, step) task in one pass: dictionaries from one aggregation, blocks from
   * one shuffle by item, cached with their lineage cut.
   *
   * @param answers rows with project_id, step, item_id, worker_id, label
   * @param gold rows with project_id, step, item_id, label (known answers), or null
   * @param declaredLabels schema labels per {@link #taskKey} (part of the label set even if unused)
   * @param partitions partitions of the cached blocks
   */
  public static Indexed indexAll(
      Dataset<Row> answers, Dataset<Row> gold, Map<String, List<String>> declaredLabels, int partitions) {
    Column[] key = {col("project_id"), col("step")};
    Dataset<Row> a = answers.select(col("project_id"), col("step"), col("item_id"), col("worker_id"), col("label"));
    Map<String, TreeSet<String>> goldLabels = new HashMap<>();
    Dataset<Row> withGold;
    if (gold == null) {
      withGold = a.withColumn("gold_label", lit(null).cast("string"));
    } else {
      Dataset<Row> perItem = gold.groupBy(col("project_id"), col("step"), col("item_id")).agg(max("label").as("gold_label"));
      withGold = a.join(perItem, new String[] {"project_id", "step", "item_id"}, "left");
      for (Row r : perItem.groupBy(key).agg(collect_set("gold_label")).collectAsList()) {
        goldLabels.put(taskKey(r.getString(0), r.getString(1)), new TreeSet<>(r.<String>getList(2)));
      }
    }
    List<Row> dictionaries =
        a.groupBy(key).agg(collect_set("worker_id"), collect_set("label")).orderBy(key).collectAsList();
    Map<String, Integer> taskIndex = new HashMap<>();
    String[][] workers = new String[dictionaries.size()][];
    String[][] labels = new String[dictionaries.size()][];
    for (int t = 0; t < dictionaries.size(); t++) {
      Row r = dictionaries.get(t);
      String k = taskKey(r.getString(0), r.getString(1));
      taskIndex.put(k, t);
      workers[t] = new TreeSet<>(r.<String>getList(2)).toArray(String[]::new);
      TreeSet<String> l = new TreeSet<>(r.<String>getList(3));
      l.addAll(declaredLabels.getOrDefault(k, List.of()));
      l.addAll(goldLabels.getOrDefault(k, new TreeSet<>()));
      labels[t] = l.toArray(String[]::new);
    }
    JavaRDD<TaskBlock> shared =
        withGold
            .select("project_id", "step", "item_id", "worker_id", "label", "gold_label")
            .repartition(partitions, col("project_id"), col("step"), col("item_id"))
            .sortWithinPartitions("project_id", "step", "item_id", "worker_id", "label")
            .javaRDD()
            .mapPartitions(rows -> BlockBuilder.buildAll(rows, taskIndex, workers, labels).iterator())
            .persist(StorageLevel.MEMORY_AND_DISK());
    shared.rdd().localCheckpoint();
    shared.count();
    List<IndexedTask> tasks = new ArrayList<>();
    for (int t = 0; t < dictionaries.size(); t++) {
      int task = t;
      Row r = dictionaries.get(t);
      JavaRDD<ItemBlock> blocks = shared.filter(b -> b.task() == task).map(TaskBlock::block);
      tasks.add(new IndexedTask(r.getString(0), r.getString(1), List.of(workers[t]), List.of(labels[t]), blocks));
    }
    return new Indexed(tasks, shared);
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
