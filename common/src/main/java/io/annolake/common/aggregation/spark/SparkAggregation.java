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

  /**
   * Fits one program per task with fused passes: each iteration is one Spark job over the shared
   * blocks for every task still iterating (a converged task's blocks are skipped).
   */
  public static List<EmRunner.Outcome> fitAll(Indexed indexed, EmProgram[] programs) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(indexed.shared().context());
    int n = programs.length;
    EmRunner.Run[] runs = new EmRunner.Run[n];
    for (int t = 0; t < n; t++) {
      runs[t] = new EmRunner.Run(programs[t]);
    }
    while (true) {
      boolean[] active = new boolean[n];
      double[][] states = new double[n][];
      boolean any = false;
      for (int t = 0; t < n; t++) {
        active[t] = !runs[t].done();
        states[t] = active[t] ? runs[t].passState() : null;
        any |= active[t];
      }
      if (!any) {
        break;
      }
      double[][] stats = pass(jsc, indexed.shared(), programs, states, active);
      for (int t = 0; t < n; t++) {
        if (active[t]) {
          runs[t].accept(stats[t]);
        }
      }
    }
    List<EmRunner.Outcome> out = new ArrayList<>(n);
    for (EmRunner.Run r : runs) {
      out.add(r.outcome());
    }
    return out;
  }

  /** One fused pass: per-partition statistics per task under broadcast states, summed in partition order. */
  static double[][] pass(
      JavaSparkContext jsc, JavaRDD<TaskBlock> blocks, EmProgram[] programs, double[][] states, boolean[] active) {
    Broadcast<double[][]> shared = jsc.broadcast(states);
    try {
      JavaRDD<double[][]> partial =
          blocks.mapPartitions(
              it -> {
                double[][] stats = new double[programs.length][];
                double[][] s = shared.value();
                while (it.hasNext()) {
                  TaskBlock tb = it.next();
                  int t = tb.task();
                  if (active[t]) {
                    if (stats[t] == null) {
                      stats[t] = new double[programs[t].statsSize()];
                    }
                    programs[t].accumulate(s[t], tb.block(), stats[t]);
                  }
                }
                return java.util.Collections.singletonList(stats).iterator();
              });
      int n = partial.getNumPartitions();
      if (n > FAN_IN) {
        partial = partial.coalesce((int) Math.ceil(Math.sqrt(n)), false)
            .mapPartitions(it -> java.util.Collections.singletonList(sumInOrder(it, programs)).iterator());
      }
      return sumInOrder(partial.collect().iterator(), programs);
    } finally {
      shared.destroy();
    }
  }

  private static double[][] sumInOrder(java.util.Iterator<double[][]> parts, EmProgram[] programs) {
    double[][] total = new double[programs.length][];
    for (int t = 0; t < programs.length; t++) {
      total[t] = new double[programs[t].statsSize()];
    }
    while (parts.hasNext()) {
      double[][] p = parts.next();
      for (int t = 0; t < p.length; t++) {
        for (int i = 0; p[t] != null && i < p[t].length; i++) {
          total[t][i] += p[t][i];
        }
      }
    }
    return total;
  }

  /** Posterior rows of every item of every task under each task's reported state. */
  public static Dataset<Row> posteriorsAll(SparkSession spark, Indexed indexed, EmProgram[] programs, double[][] states) {
    int n = programs.length;
    String[][] labels = new String[n][];
    String[] projects = new String[n];
    String[] steps = new String[n];
    for (int t = 0; t < n; t++) {
      IndexedTask task = indexed.tasks().get(t);
      labels[t] = task.labels().toArray(String[]::new);
      projects[t] = task.projectId();
      steps[t] = task.step();
    }
    Broadcast<double[][]> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(states);
    JavaRDD<Row> rows =
        indexed.shared()
            .flatMap(
                tb -> {
                  int t = tb.task();
                  ItemBlock block = tb.block();
                  double[] s = shared.value()[t];
                  List<Row> out = new ArrayList<>(block.items());
                  double[] post = new double[labels[t].length];
                  for (int i = 0; i < block.items(); i++) {
                    programs[t].posterior(s, block, i, post);
                    out.add(row(projects[t], steps[t], block, i, post, labels[t]));
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
