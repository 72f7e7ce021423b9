package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.EmProgram;
import io.annolake.common.aggregation.EmRunner;
import io.annolake.common.aggregation.spark.IndexedTask;
import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.config.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The iterative part of consensus: per project and step, index the answers once, fit the method
 * on Spark, and give posterior and worker-skill rows. Holds cached blocks until {@link #close()}.
 */
public final class ConsensusComputation implements AutoCloseable {
  public static final StructType WORKER_SKILLS =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("worker_id", DataTypes.StringType, false)
          .add("method", DataTypes.StringType, false)
          .add("params_hash", DataTypes.StringType, false)
          .add("skill", DataTypes.DoubleType, true)
          .add("true_label", DataTypes.StringType, true)
          .add("given_label", DataTypes.StringType, true)
          .add("probability", DataTypes.DoubleType, true);

  private final SparkSession spark;
  private final SparkAggregation.Indexed indexed;
  /** The indexed answers a refit borrows (not released by it). */
  private SparkAggregation.Indexed shared;
  private final List<TaskFit> fits = new ArrayList<>();

  private ConsensusComputation(SparkSession spark, SparkAggregation.Indexed indexed) {
    this.spark = spark;
    this.indexed = indexed;
  }

  /** Labels of each (project, step)'s latest label schema, by task key. */
  public static Map<String, List<String>> declaredLabels(Dataset<Row> schemas) {
    Map<String, List<String>> out = new HashMap<>();
    if (schemas == null) {
      return out;
    }
    for (Row r : schemas.groupBy(col("project_id"), col("step")).agg(max_by(col("labels"), col("guideline_version")).as("labels"))
        .collectAsList()) {
      out.put(SparkAggregation.taskKey(r.getString(0), r.getString(1)), r.getList(2));
    }
    return out;
  }

  /**
   * Indexes and fits every task.
   *
   * @param gold gold answers to clamp (null: fit blind, as compare-methods does)
   */
  public static ConsensusComputation fit(
      SparkSession spark, Dataset<Row> annotations, Dataset<Row> gold, Dataset<Row> schemas, Aggregator aggregator,
      int partitions) {
    ConsensusComputation c =
        new ConsensusComputation(spark, SparkAggregation.indexAll(annotations, gold, declaredLabels(schemas), partitions));
    try {
      c.fitAll(aggregator);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Fits another method on the already indexed tasks (compare-methods); closing it releases nothing. */
  public ConsensusComputation refit(Aggregator aggregator) {
    ConsensusComputation c = new ConsensusComputation(spark, null);
    c.shared = indexed != null ? indexed : shared;
    c.fitAll(aggregator);
    return c;
  }

  private void fitAll(Aggregator aggregator) {
    SparkAggregation.Indexed all = indexed != null ? indexed : shared;
    List<IndexedTask> tasks = all.tasks();
    EmProgram[] programs = new EmProgram[tasks.size()];
    for (int t = 0; t < programs.length; t++) {
      programs[t] = aggregator.program(tasks.get(t).workers().size(), tasks.get(t).labels().size());
      if (programs[t] == null) {
        throw new ConfigException(
            "Invalid value '" + aggregator.name() + "' for option '--method': it has no distributed form yet");
      }
    }
    long start = System.nanoTime();
    List<EmRunner.Outcome> outcomes = SparkAggregation.fitAll(all, programs);
    long millis = (System.nanoTime() - start) / 1_000_000;
    for (int t = 0; t < programs.length; t++) {
      fits.add(new TaskFit(tasks.get(t), programs[t], outcomes.get(t), millis));
    }
  }

  public List<TaskFit> fits() {
    return List.copyOf(fits);
  }

  /** Posterior rows of every task (as {@link SparkAggregation#POSTERIORS}), in one pass. */
  public Dataset<Row> posteriors() {
    EmProgram[] programs = new EmProgram[fits.size()];
    double[][] states = new double[fits.size()][];
    for (int t = 0; t < programs.length; t++) {
      programs[t] = fits.get(t).program();
      states[t] = fits.get(t).outcome().reported();
    }
    return SparkAggregation.posteriorsAll(spark, indexed != null ? indexed : shared, programs, states);
  }

  /** worker_skills rows in long form: one per worker, true label and given label (built on the driver from the small state). */
  public Dataset<Row> workerSkills(ConsensusPolicy.Method method) {
    List<Row> rows = new ArrayList<>();
    for (TaskFit f : fits) {
      List<String> workers = f.task().workers();
      List<String> labels = f.task().labels();
      int k = labels.size();
      EmProgram.Parameters p = f.program().parameters(f.outcome().last(), workers.size());
      for (int j = 0; j < workers.size(); j++) {
        Double skill = p.skills() == null ? null : p.skills()[j];
        if (p.confusion() == null) {
          rows.add(RowFactory.create(f.task().projectId(), f.task().step(), workers.get(j), method.name(), method.paramsHash(), skill, null, null, null));
          continue;
        }
        for (int t = 0; t < k; t++) {
          for (int l = 0; l < k; l++) {
            rows.add(RowFactory.create(f.task().projectId(), f.task().step(), workers.get(j), method.name(), method.paramsHash(), skill,
                labels.get(t), labels.get(l), p.confusion()[j][t * k + l]));
          }
        }
      }
    }
    return spark.createDataFrame(rows, WORKER_SKILLS);
  }

  @Override
  public void close() {
    if (indexed != null) {
      indexed.close();
    }
  }
}
