package io.annolake.common.aggregation.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.xxhash64;

import io.annolake.common.aggregation.EmProgram;
import io.annolake.common.aggregation.EmRunner;
import io.annolake.common.aggregation.ItemBlock;
import io.annolake.common.aggregation.Posteriors;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.ConsensusSchemas;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Runs {@link EmProgram}s on Spark. The answers are indexed once into cached item blocks; each
 * iteration broadcasts only the small state (workers x K x K for Dawid-Skene), sums sufficient
 * statistics per partition, then in a fixed order (partition index, then a coalesced second level
 * when there are many partitions), so a re-run gives bit-identical results. Nothing per answer
 * reaches the driver; only worker and label ids (the dictionaries of the state) are collected.
 *
 * <p>Lineage stays one step long: every iteration is a fresh map over the cached (in local mode
 * also locally checkpointed) blocks, and the previous broadcast is destroyed, so iteration 100
 * costs what iteration 1 costs.
 */
public final class SparkAggregation {
  /** Above this many partitions the statistics are summed in two levels before the driver. */
  private static final int FAN_IN = 16;

  public static final StructType POSTERIORS =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("crowd_label", DataTypes.StringType, false)
          .add("crowd_confidence", DataTypes.DoubleType, false)
          .add("n_annotations", DataTypes.IntegerType, false)
          .add("n_agreeing", DataTypes.IntegerType, false)
          .add("candidates", DataTypes.createArrayType(ConsensusSchemas.CANDIDATE, false), false);

  private SparkAggregation() {}

  /** Key of a (project, step) task. */
  public static String taskKey(String project, String step) {
    return project + "\u0000" + step;
  }

  /** Every task's answers indexed in one shuffle, and the cached blocks they share. */
  public record Indexed(List<IndexedTask> tasks, JavaRDD<TaskBlock> shared)
      implements AutoCloseable {
    @Override
    public void close() {
      shared.unpersist(false);
    }
  }

  private static final String ITEM_HASH = "item_hash";

  /**
   * {@link #STREAM} kinds: a fact about an item (gold, adjudication), an answer, an answer left out
   * of the fit.
   */
  public static final int FACT = 0;

  public static final int ANSWER = 1;
  public static final int EXCLUDED = 2;

  /**
   * An answer under a guideline version a later one superseded (left out of the fit, listed apart).
   */
  public static final int SUPERSEDED = 3;

  /**
   * What {@link #indexAll} reads: answers, left-out answers and per-item facts in one row shape, so
   * one shuffle by item brings everything an item's decision needs into the same partition.
   */
  public static final StructType STREAM =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("kind", DataTypes.IntegerType, false)
          .add("worker_id", DataTypes.StringType, true)
          .add("label", DataTypes.StringType, true)
          .add("annotation_id", DataTypes.StringType, true)
          .add("guideline_version", DataTypes.StringType, true)
          .add("gold_label", DataTypes.StringType, true)
          .add("adjudicated_label", DataTypes.StringType, true)
          .add("adjudicated_by", DataTypes.StringType, true)
          .add("flag_ids", DataTypes.createArrayType(DataTypes.StringType, false), true);

  /**
   * Answer rows (project_id, step, item_id, worker_id, label; annotation_id, guideline_version and
   * flag_ids, the flags that left a left-out answer out, if present) as {@link #STREAM} rows;
   * {@code kind} says which are {@link #ANSWER} or {@link #EXCLUDED}.
   */
  public static Dataset<Row> answerStream(Dataset<Row> answers, Column kind) {
    List<String> columns = List.of(answers.columns());
    return answers.select(
        col(Columns.PROJECT_ID),
        col(Columns.STEP),
        col(Columns.ITEM_ID),
        kind.as("kind"),
        col(Columns.WORKER_ID),
        col(Columns.LABEL),
        columns.contains("annotation_id")
            ? col(Columns.ANNOTATION_ID)
            : lit(null).cast("string").as(Columns.ANNOTATION_ID),
        columns.contains("guideline_version")
            ? col(Columns.GUIDELINE_VERSION)
            : lit(null).cast("string").as(Columns.GUIDELINE_VERSION),
        lit(null).cast("string").as(Columns.GOLD_LABEL),
        lit(null).cast("string").as("adjudicated_label"),
        lit(null).cast("string").as(Columns.ADJUDICATED_BY),
        columns.contains("flag_ids")
            ? col("flag_ids")
            : lit(null).cast("array<string>").as("flag_ids"));
  }

  /**
   * Gold labels (project_id, step, item_id, label; the largest label if versions differ) as {@link
   * #STREAM} fact rows.
   */
  public static Dataset<Row> goldStream(Dataset<Row> gold) {
    return gold.groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID))
        .agg(max("label").as(Columns.GOLD_LABEL))
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            lit(FACT).as("kind"),
            lit(null).cast("string").as(Columns.WORKER_ID),
            lit(null).cast("string").as(Columns.LABEL),
            lit(null).cast("string").as(Columns.ANNOTATION_ID),
            lit(null).cast("string").as(Columns.GUIDELINE_VERSION),
            col(Columns.GOLD_LABEL),
            lit(null).cast("string").as("adjudicated_label"),
            lit(null).cast("string").as(Columns.ADJUDICATED_BY),
            lit(null).cast("array<string>").as("flag_ids"));
  }

  /**
   * Indexes every (project, step) task of answers and known gold labels in one pass (what the
   * aggregators and compare-methods need).
   *
   * @param answers rows with project_id, step, item_id, worker_id, label
   * @param gold rows with project_id, step, item_id, label (known answers), or null
   */
  public static Indexed indexAll(
      Dataset<Row> answers,
      Dataset<Row> gold,
      Map<String, List<String>> declaredLabels,
      int partitions) {
    Dataset<Row> stream = answerStream(answers, lit(ANSWER));
    if (gold != null) {
      stream = stream.unionByName(goldStream(gold));
    }
    return indexStream(stream, declaredLabels, partitions);
  }

  /**
   * Indexes every (project, step) task of a {@link #STREAM} with one shuffle by item and no other
   * pass over the answers: each partition builds blocks in local dictionaries (cached), the small
   * dictionaries are merged on the driver into sorted global ones (plus gold and declared labels),
   * and one map re-indexes the blocks, cached with their lineage cut.
   *
   * @param declaredLabels schema labels per {@link #taskKey} (part of the label set even if unused)
   * @param partitions partitions of the cached blocks
   */
  public static Indexed indexStream(
      Dataset<Row> stream, Map<String, List<String>> declaredLabels, int partitions) {
    // Sorted by a 64-bit hash of the item alone, which Spark radix-sorts with no row comparison (a
    // sort that also ordered by the ids compared every row of an item with its neighbours). Each
    // item's rows end up together; BlockBuilder tells colliding items apart exactly and toGlobal
    // puts each item's answers in one canonical order, whatever order the shuffle delivered. The
    // columns are put in STREAM order (the hash last) before the shuffle, where the projection is
    // fused into the scan; a projection after the sort would copy every row once more.
    Column[] columns =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(STREAM.fieldNames())
                    .map(org.apache.spark.sql.functions::col),
                java.util.stream.Stream.of(
                    xxhash64(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID))
                        .as(ITEM_HASH)))
            .toArray(Column[]::new);
    Dataset<Row> grouped =
        stream
            .select(columns)
            .repartition(partitions, col(ITEM_HASH))
            .sortWithinPartitions(ITEM_HASH);
    JavaRDD<LocalBlock> local =
        grouped
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(rows -> BlockBuilder.buildAll(rows).iterator())
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, TreeSet<String>> workerSets = new TreeMap<>();
      Map<String, TreeSet<String>> labelSets = new TreeMap<>();
      Map<String, String[]> names = new HashMap<>();
      for (LocalBlock b :
          local
              .map(b -> new LocalBlock(b.project(), b.step(), b.workers(), b.labels(), null, null))
              .collect()) {
        String k = taskKey(b.project(), b.step());
        names.put(k, new String[] {b.project(), b.step()});
        workerSets.computeIfAbsent(k, x -> new TreeSet<>()).addAll(List.of(b.workers()));
        labelSets.computeIfAbsent(k, x -> new TreeSet<>()).addAll(List.of(b.labels()));
      }
      // Tasks in (project, step) order; a task nobody answered (only facts) has no workers and is
      // dropped.
      List<String> keys = new ArrayList<>();
      for (Map.Entry<String, TreeSet<String>> e : workerSets.entrySet()) {
        if (!e.getValue().isEmpty()) {
          keys.add(e.getKey());
        }
      }
      keys.sort(
          java.util.Comparator.comparing((String k) -> names.get(k)[0])
              .thenComparing(k -> names.get(k)[1]));
      Map<String, Integer> taskIndex = new HashMap<>();
      String[][] workers = new String[keys.size()][];
      String[][] labels = new String[keys.size()][];
      for (int t = 0; t < keys.size(); t++) {
        String k = keys.get(t);
        taskIndex.put(k, t);
        workers[t] = workerSets.get(k).toArray(String[]::new);
        TreeSet<String> l = labelSets.get(k);
        l.addAll(declaredLabels.getOrDefault(k, List.of()));
        labels[t] = l.toArray(String[]::new);
      }
      JavaRDD<TaskBlock> shared =
          local
              .filter(b -> taskIndex.containsKey(taskKey(b.project(), b.step())))
              .map(
                  b -> {
                    int t = taskIndex.get(taskKey(b.project(), b.step()));
                    return b.toGlobal(t, workers[t], labels[t]);
                  })
              .persist(StorageLevel.MEMORY_AND_DISK());
      // Local checkpoints live in executors' block stores: on a cluster a lost executor would take
      // them along and fail the job (Spark cannot recompute them), so there the blocks keep their
      // lineage (one narrow step from the indexing shuffle) and are recomputed after a loss.
      if (shared.context().isLocal()) {
        shared.rdd().localCheckpoint();
      }
      shared.count();
      List<IndexedTask> tasks = new ArrayList<>();
      for (int t = 0; t < keys.size(); t++) {
        int task = t;
        String[] name = names.get(keys.get(t));
        JavaRDD<ItemBlock> blocks = shared.filter(b -> b.task() == task).map(TaskBlock::block);
        tasks.add(
            new IndexedTask(name[0], name[1], List.of(workers[t]), List.of(labels[t]), blocks));
      }
      return new Indexed(tasks, shared);
    } finally {
      local.unpersist(false);
    }
  }

  /**
   * Fits one program per task with fused passes: each iteration is one Spark job over the shared
   * blocks for every task still iterating (a converged task's blocks are skipped).
   */
  public static Fitted fitAll(Indexed indexed, EmProgram[] programs) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(indexed.shared().context());
    return fitFused(
        programs, (states, active) -> pass(jsc, indexed.shared(), programs, states, active));
  }

  /** One fused pass: summed statistics per task under the states, for the active tasks. */
  @FunctionalInterface
  public interface FusedPass {
    double[][] run(double[][] states, boolean[] active);
  }

  /**
   * Drives one EM run per program in lockstep, one fused pass per iteration, wherever the pass runs
   * (Spark here; one thread over the same blocks in the benchmark's plain-Java reference).
   */
  public static Fitted fitFused(EmProgram[] programs, FusedPass pass) {
    int n = programs.length;
    EmRunner.Run[] runs = new EmRunner.Run[n];
    List<Double> passMillis = new ArrayList<>();
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
      long started = System.nanoTime();
      double[][] stats = pass.run(states, active);
      passMillis.add((System.nanoTime() - started) / 1e6);
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
    return new Fitted(out, passMillis);
  }

  /**
   * The statistics of one fused pass over partitions of blocks on the pool's threads, one task per
   * partition and summed in partition order as Spark's pass does (the plain-Java reference).
   */
  public static double[][] localPass(
      List<List<TaskBlock>> partitions,
      EmProgram[] programs,
      double[][] states,
      boolean[] active,
      java.util.concurrent.ExecutorService pool) {
    List<java.util.concurrent.Future<double[][]>> parts = new ArrayList<>();
    for (List<TaskBlock> p : partitions) {
      parts.add(pool.submit(() -> accumulate(p.iterator(), programs, states, active)));
    }
    List<double[][]> done = new ArrayList<>();
    try {
      for (java.util.concurrent.Future<double[][]> f : parts) {
        done.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    return sumInOrder(done.iterator(), programs);
  }

  /**
   * Sums the statistics of the active tasks' blocks, in order; a task with no such block stays
   * null.
   */
  private static double[][] accumulate(
      Iterator<TaskBlock> blocks, EmProgram[] programs, double[][] states, boolean[] active) {
    double[][] stats = new double[programs.length][];
    while (blocks.hasNext()) {
      TaskBlock tb = blocks.next();
      int t = tb.task();
      if (active[t]) {
        if (stats[t] == null) {
          stats[t] = new double[programs[t].statsSize()];
        }
        programs[t].accumulate(states[t], tb.block(), stats[t]);
      }
    }
    return stats;
  }

  /**
   * Outcomes of a fused fit.
   *
   * @param outcomes one per task
   * @param passMillis wall time of each fused pass (one Spark job each), the initial pass first
   */
  public record Fitted(List<EmRunner.Outcome> outcomes, List<Double> passMillis) {}

  /**
   * One fused pass: per-partition statistics per task under broadcast states, summed in partition
   * order.
   */
  static double[][] pass(
      JavaSparkContext jsc,
      JavaRDD<TaskBlock> blocks,
      EmProgram[] programs,
      double[][] states,
      boolean[] active) {
    Broadcast<double[][]> shared = jsc.broadcast(states);
    try {
      JavaRDD<double[][]> partial =
          blocks.mapPartitions(
              it ->
                  java.util.Collections.singletonList(
                          accumulate(it, programs, shared.value(), active))
                      .iterator());
      int n = partial.getNumPartitions();
      if (n > FAN_IN) {
        partial =
            partial
                .coalesce((int) Math.ceil(Math.sqrt(n)), false)
                .mapPartitions(
                    it -> java.util.Collections.singletonList(sumInOrder(it, programs)).iterator());
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

  /**
   * Builds one output row per item from its block, facts and posterior; null emits nothing. Rows
   * are Spark's internal rows (strings as UTF8String, arrays as ArrayData, see {@link
   * InternalRows}): millions of them go straight to the writer with no conversion.
   */
  public interface ItemVisitor extends Serializable {
    /**
     * Item {@code item} of the block, with its posterior under the task's state (null where {@link
     * #needsPosterior} said no).
     */
    InternalRow item(int task, TaskBlock tb, int item, double[] posterior);

    /**
     * Whether {@link #item} needs the item's posterior (an E-step); a pass that decides most items
     * without it skips them cheaply.
     */
    default boolean needsPosterior(int task, TaskBlock tb, int item) {
      return true;
    }

    /** Orphan {@code orphan} of the block's facts (every answer left out: no posterior). */
    InternalRow orphan(int task, TaskBlock tb, int orphan);
  }

  /**
   * One pass over the cached blocks: each item's posterior under its task's state, turned into a
   * row of {@code schema} by the visitor, lazily (a partition's rows are never all in memory at
   * once).
   */
  public static Dataset<Row> perItem(
      SparkSession spark,
      Indexed indexed,
      EmProgram[] programs,
      double[][] states,
      ItemVisitor visitor,
      StructType schema) {
    Broadcast<double[][]> shared =
        JavaSparkContext.fromSparkContext(indexed.shared().context()).broadcast(states);
    JavaRDD<InternalRow> rows =
        indexed
            .shared()
            .flatMap(
                tb -> new ItemRows(tb, programs[tb.task()], shared.value()[tb.task()], visitor));
    return spark.internalCreateDataFrame(rows.rdd(), schema, false);
  }

  /** The rows of one task block: items, then orphans. */
  private static final class ItemRows implements Iterator<InternalRow> {
    private final TaskBlock tb;
    private final EmProgram program;
    private final double[] state;
    private final ItemVisitor visitor;
    private final double[] post;
    private int next;
    private InternalRow ahead;

    ItemRows(TaskBlock tb, EmProgram program, double[] state, ItemVisitor visitor) {
      this.tb = tb;
      this.program = program;
      this.state = state;
      this.visitor = visitor;
      this.post = new double[program.classes()];
    }

    @Override
    public boolean hasNext() {
      int items = tb.block().items();
      int total = items + (tb.facts() == null ? 0 : tb.facts().orphans().size());
      while (ahead == null && next < total) {
        int i = next++;
        if (i < items) {
          boolean needed = visitor.needsPosterior(tb.task(), tb, i);
          if (needed) {
            program.posterior(state, tb.block(), i, post);
          }
          ahead = visitor.item(tb.task(), tb, i, needed ? post : null);
        } else {
          ahead = visitor.orphan(tb.task(), tb, i - items);
        }
      }
      return ahead != null;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      InternalRow r = ahead;
      ahead = null;
      return r;
    }
  }

  /** Posterior rows of every item of every task under each task's reported state. */
  public static Dataset<Row> posteriorsAll(
      SparkSession spark, Indexed indexed, EmProgram[] programs, double[][] states) {
    int n = programs.length;
    UTF8String[][] labels = new UTF8String[n][];
    UTF8String[] projects = new UTF8String[n];
    UTF8String[] steps = new UTF8String[n];
    for (int t = 0; t < n; t++) {
      IndexedTask task = indexed.tasks().get(t);
      labels[t] = InternalRows.utf8(task.labels().toArray(String[]::new));
      projects[t] = UTF8String.fromString(task.projectId());
      steps[t] = UTF8String.fromString(task.step());
    }
    ItemVisitor rows =
        new ItemVisitor() {
          @Override
          public InternalRow item(int t, TaskBlock tb, int i, double[] post) {
            ItemBlock block = tb.block();
            int best = Posteriors.argmax(post);
            int agreeing = 0;
            for (int a = block.start(i); a < block.end(i); a++) {
              agreeing += block.label(a) == best ? 1 : 0;
            }
            return InternalRows.of(
                projects[t],
                steps[t],
                InternalRows.utf8(block.itemId(i)),
                labels[t][best],
                post[best],
                block.end(i) - block.start(i),
                agreeing,
                candidates(post, labels[t]));
          }

          @Override
          public InternalRow orphan(int t, TaskBlock tb, int o) {
            return null;
          }
        };
    return perItem(spark, indexed, programs, states, rows, POSTERIORS);
  }

  /**
   * Labels and posteriors of one item as {@link ConsensusSchemas#CANDIDATE} structs, most probable
   * first (ties: label order).
   */
  public static ArrayData candidates(double[] post, UTF8String[] labels) {
    // Insertion sort (K is small): k moves only past strictly less probable labels, so ties keep
    // label order.
    int[] order = new int[labels.length];
    for (int k = 0; k < order.length; k++) {
      int j = k;
      while (j > 0 && post[order[j - 1]] < post[k]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = k;
    }
    Object[] out = new Object[labels.length];
    for (int k = 0; k < order.length; k++) {
      out[k] = InternalRows.of(labels[order[k]], post[order[k]]);
    }
    return new GenericArrayData(out);
  }
}
