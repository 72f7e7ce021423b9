package io.annolake.jobs.bench;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.aggregation.EmProgram;
import io.annolake.common.aggregation.spark.IndexedTask;
import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.aggregation.spark.TaskBlock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The EM cost ratio of {@code bench consensus --em-reference}: the same fused passes over the same
 * indexed blocks, in Spark on every core, in one plain-Java thread and in plain Java on one thread
 * per core (the blocks collected to the driver). All three run once as a warm-up round (right after
 * the job the JIT is still compiling the pass: whichever ran first paid for it), then once
 * measured.
 *
 * @param passes fused passes run by each (the initial majority-vote pass not counted)
 * @param sparkMsPerPass mean wall time of a Spark pass
 * @param plainMsPerPass mean wall time of the same pass in one thread
 * @param plainAllCoresMsPerPass the same plain-Java pass with one thread per core (one task per
 *     partition, as Spark schedules them): what the machine gives without Spark
 * @param perCoreRatio Spark's core time per pass over the plain loop's (cores x spark / plain)
 * @param sparkPassMillis every measured Spark pass, in order (flat or not), the initial one first
 */
record EmReference(
    int passes,
    double sparkMsPerPass,
    double plainMsPerPass,
    double plainAllCoresMsPerPass,
    double perCoreRatio,
    List<Double> sparkPassMillis) {

  static EmReference measure(SparkSession spark, Path lakehouse, String method, int partitions) {
    Dataset<Row> annotations =
        spark.read().format("delta").load(lakehouse.resolve("annotations").toString());
    Dataset<Row> gold =
        spark.read().format("delta").load(lakehouse.resolve("gold_labels").toString());
    Aggregator aggregator = Aggregators.byName(method);
    try (SparkAggregation.Indexed indexed =
        SparkAggregation.indexAll(annotations, gold, Map.of(), partitions)) {
      List<IndexedTask> tasks = indexed.tasks();
      EmProgram[] programs = new EmProgram[tasks.size()];
      for (int t = 0; t < programs.length; t++) {
        programs[t] =
            aggregator.program(tasks.get(t).workers().size(), tasks.get(t).labels().size());
      }
      // Only the answers (no per-item facts) come to the driver: the int arrays the EM reads, by
      // partition.
      List<List<TaskBlock>> byPartition =
          indexed.shared().map(tb -> new TaskBlock(tb.task(), tb.block(), null)).glom().collect();
      int cores = Runtime.getRuntime().availableProcessors();
      EmReference round = null;
      for (String name : List.of("warm-up", "measured")) {
        List<Double> sparkPasses = SparkAggregation.fitAll(indexed, programs).passMillis();
        double sparkMean = meanAfterFirst(sparkPasses);
        double plainMean = plainMean(programs, byPartition, 1);
        double parallelMean = plainMean(programs, byPartition, cores);
        round =
            new EmReference(
                sparkPasses.size() - 1,
                sparkMean,
                plainMean,
                parallelMean,
                cores * sparkMean / plainMean,
                sparkPasses);
        System.err.printf(
            "[bench] EM reference, %s round: Spark %.1f ms per pass, plain Java %.1f ms (1 thread), %.1f ms (%d threads)%n",
            name, sparkMean, plainMean, parallelMean, cores);
      }
      return round;
    }
  }

  /** Mean plain-Java pass time on the given number of threads. */
  private static double plainMean(
      EmProgram[] programs, List<List<TaskBlock>> partitions, int threads) {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      return meanAfterFirst(
          SparkAggregation.fitFused(
                  programs,
                  (states, active) ->
                      SparkAggregation.localPass(partitions, programs, states, active, pool))
              .passMillis());
    } finally {
      pool.shutdownNow();
    }
  }

  private static double meanAfterFirst(List<Double> millis) {
    return millis.stream().skip(1).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
