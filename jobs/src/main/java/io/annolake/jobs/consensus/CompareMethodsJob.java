package io.annolake.jobs.consensus;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.consensus.ConsensusComputation;
import io.annolake.common.consensus.ConsensusSettings;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake compare-methods}: every distributed aggregator on the same snapshot of the
 * annotations; per method, how often its label differs from each other method's (flip rate) and its
 * accuracy on gold items.
 *
 * <p>Protocol: the unsupervised methods are fitted blind to gold, so gold accuracy is an honest
 * held-out score. The accuracy-weighted vote (wmv) needs gold to weigh workers, so it is
 * cross-fitted: gold items are split in two folds by a hash of (project, step, item); each fold's
 * items are labelled with weights learned from the other fold's gold only, so no gold answer ever
 * scores the weights it produced. Items without gold get the labels of a fit on all gold, as the
 * consensus job would give them.
 */
@Command(
    name = "compare-methods",
    mixinStandardHelpOptions = true,
    description = {
      "Runs every aggregator on one snapshot of annotations and prints, per method, the label flip",
      "rate against the others and the accuracy on gold items. Gold is hidden from every fit, except",
      "wmv, which is cross-fitted: each half of the gold items is scored with worker weights learned",
      "from the other half."
    })
public final class CompareMethodsJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--project", paramLabel = "ID", description = "Only this project.")
  String project;

  /** Per method: mean flip rate against the others, accuracy on gold items, gold items seen. */
  public record MethodScore(String method, double flipRate, Double goldAccuracy, long goldItems) {}

  /** How gold accuracy is measured, printed with the result. */
  public static final String PROTOCOL =
      "gold hidden from every fit; wmv cross-fitted over 2 folds of gold items (weights from one half, scored on the other)";

  /** Number of gold folds of the wmv cross-fit. */
  static final int FOLDS = 2;

  /** The comparison: the snapshot version, scores, and the pairwise flip rates. */
  public record Result(
      long annotationsVersion,
      long items,
      List<MethodScore> scores,
      Map<String, Double> pairFlips,
      List<String> skipped) {
    @Override
    public String toString() {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  "compare-methods on annotations version %d, %,d items%n",
                  annotationsVersion, items));
      s.append("  protocol: ").append(PROTOCOL).append(String.format("%n"));
      s.append(
          String.format(
              "  %-6s %10s %14s %10s%n", "method", "flip rate", "gold accuracy", "gold items"));
      for (MethodScore m : scores) {
        s.append(
            String.format(
                "  %-6s %10.4f %14s %10d%n",
                m.method(),
                m.flipRate(),
                m.goldAccuracy() == null ? "-" : String.format("%.4f", m.goldAccuracy()),
                m.goldItems()));
      }
      s.append("  pairwise flip rates: ").append(pairFlips);
      if (!skipped.isEmpty()) {
        s.append(String.format("%n  skipped (no distributed form): %s", skipped));
      }
      return s.toString();
    }
  }

  @Override
  public Integer call() {
    JobShell.Env env = JobShell.open(global, Map.of());
    Result result = compare(env.lakehouse(), env.config(), project);
    System.out.println(result);
    return 0;
  }

  public static Result compare(Lakehouse lakehouse, AnnolakeConfig config, String project) {
    ConsensusSettings settings = ConsensusSettings.from(config);
    int partitions =
        settings.partitions() > 0
            ? settings.partitions()
            : config.integer("annolake.spark.shuffle-partitions");
    long version = lakehouse.version(Tables.ANNOTATIONS);
    Dataset<Row> annotations = lakehouse.read(Tables.ANNOTATIONS, version);
    Dataset<Row> gold =
        lakehouse.exists(Tables.GOLD_LABELS) ? lakehouse.read(Tables.GOLD_LABELS) : null;
    Dataset<Row> schemas =
        lakehouse.exists(Tables.LABEL_SCHEMAS) ? lakehouse.read(Tables.LABEL_SCHEMAS) : null;
    if (project != null) {
      annotations = annotations.where(col(Columns.PROJECT_ID).equalTo(project));
    }
    List<String> methods = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String name : Aggregators.NAMES) {
      (settings.aggregator(name).program(1, 2) == null ? skipped : methods).add(name);
    }
    ConsensusComputation base =
        ConsensusComputation.fit(
            lakehouse.spark(),
            annotations,
            null,
            schemas,
            settings.aggregator(methods.get(0)),
            partitions);
    List<ConsensusComputation> open = new ArrayList<>();
    try {
      Dataset<Row> labels = null;
      for (String name : methods) {
        Aggregator aggregator = settings.aggregator(name);
        Dataset<Row> one;
        if (name.equals("wmv") && gold != null) {
          one = crossFitted(lakehouse, annotations, gold, schemas, aggregator, partitions, open);
        } else {
          ConsensusComputation fit = name.equals(methods.get(0)) ? base : base.refit(aggregator);
          one =
              fit.posteriors()
                  .select(
                      col(Columns.PROJECT_ID),
                      col(Columns.STEP),
                      col(Columns.ITEM_ID),
                      col(Columns.CROWD_LABEL).as(Columns.LABEL));
        }
        one =
            one.select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                lit(name).as(Columns.METHOD),
                col(Columns.LABEL));
        labels = labels == null ? one : labels.unionByName(one);
      }
      Dataset<Row> wide =
          labels
              .groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID)
              .pivot("method", new ArrayList<Object>(methods))
              .agg(first("label"));
      if (gold != null) {
        wide =
            wide.join(
                gold.groupBy(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID)
                    .agg(max("label").as(Columns.GOLD_LABEL)),
                new String[] {"project_id", "step", "item_id"},
                "left");
      } else {
        wide = wide.withColumn(Columns.GOLD_LABEL, lit(null).cast("string"));
      }
      List<Column> aggs = new ArrayList<>();
      aggs.add(count(lit(1)).as("items"));
      aggs.add(count(col(Columns.GOLD_LABEL)).as("gold_items"));
      for (int a = 0; a < methods.size(); a++) {
        String m = methods.get(a);
        aggs.add(
            avg(when(col(Columns.GOLD_LABEL).isNull(), lit(null))
                    .when(col(m).equalTo(col(Columns.GOLD_LABEL)), 1.0)
                    .otherwise(0.0))
                .as("acc_" + m));
        for (int b = a + 1; b < methods.size(); b++) {
          aggs.add(
              avg(when(col(m).equalTo(col(methods.get(b))), 0.0).otherwise(1.0))
                  .as("flip_" + m + "_" + methods.get(b)));
        }
      }
      Row r = wide.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
      Map<String, Double> pairs = new LinkedHashMap<>();
      double[] sums = new double[methods.size()];
      for (int a = 0; a < methods.size(); a++) {
        for (int b = a + 1; b < methods.size(); b++) {
          double f = r.<Double>getAs("flip_" + methods.get(a) + "_" + methods.get(b));
          pairs.put(methods.get(a) + "/" + methods.get(b), Math.round(f * 1e6) / 1e6);
          sums[a] += f;
          sums[b] += f;
        }
      }
      long goldItems = r.<Long>getAs("gold_items");
      List<MethodScore> scores = new ArrayList<>();
      for (int a = 0; a < methods.size(); a++) {
        scores.add(
            new MethodScore(
                methods.get(a),
                methods.size() > 1 ? sums[a] / (methods.size() - 1) : 0,
                r.<Double>getAs("acc_" + methods.get(a)),
                goldItems));
      }
      return new Result(version, r.<Long>getAs("items"), scores, pairs, skipped);
    } finally {
      open.forEach(ConsensusComputation::close);
      base.close();
    }
  }

  /** Gold fold of an item: a hash of its key, so folds are stable across runs. */
  static Column fold() {
    return pmod(hash(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID)), lit(FOLDS));
  }

  /**
   * Labels of a gold-using method, cross-fitted: a gold item of fold f gets its label from a fit
   * that saw only the other folds' gold; items without gold get the label of a fit on all gold.
   * Rows: project_id, step, item_id, label. The fits join {@code open}, to be closed once the
   * labels are used.
   */
  static Dataset<Row> crossFitted(
      Lakehouse lakehouse,
      Dataset<Row> annotations,
      Dataset<Row> gold,
      Dataset<Row> schemas,
      Aggregator aggregator,
      int partitions,
      List<ConsensusComputation> open) {
    String[] key = {"project_id", "step", "item_id"};
    Dataset<Row> goldFolds =
        gold.select(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID))
            .distinct()
            .withColumn("fold", fold());
    Dataset<Row> out =
        labelsOf(lakehouse, annotations, gold, schemas, aggregator, partitions, open)
            .join(goldFolds, key, "left_anti");
    for (int f = 0; f < FOLDS; f++) {
      Dataset<Row> visible = gold.where(fold().notEqual(lit(f)));
      Dataset<Row> scored = goldFolds.where(col("fold").equalTo(lit(f))).drop("fold");
      out =
          out.unionByName(
              labelsOf(lakehouse, annotations, visible, schemas, aggregator, partitions, open)
                  .join(scored, key, "left_semi"));
    }
    return out;
  }

  /** One fit's crowd labels (lazy: the fit joins {@code open}, to be closed once they are used). */
  private static Dataset<Row> labelsOf(
      Lakehouse lakehouse,
      Dataset<Row> annotations,
      Dataset<Row> gold,
      Dataset<Row> schemas,
      Aggregator aggregator,
      int partitions,
      List<ConsensusComputation> open) {
    ConsensusComputation fit =
        ConsensusComputation.fit(
            lakehouse.spark(), annotations, gold, schemas, aggregator, partitions);
    open.add(fit);
    return fit.posteriors()
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.CROWD_LABEL).as(Columns.LABEL));
  }
}
