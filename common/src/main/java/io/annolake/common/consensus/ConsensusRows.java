package io.annolake.common.consensus;

import io.annolake.common.aggregation.ItemBlock;
import io.annolake.common.aggregation.Posteriors;
import io.annolake.common.aggregation.spark.ItemFacts;
import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.aggregation.spark.TaskBlock;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the output rows of one item where its answers are cached: the decision ({@link
 * ConsensusPolicy}) from the item's posterior, answers and facts, then a {@code consensus_labels}
 * row, an {@code escalations} row (escalated items only), or just the decision for counting.
 */
final class ConsensusRows implements SparkAggregation.ItemVisitor {
  private static final long serialVersionUID = 1L;

  /** What rows to build. */
  enum Output { LABELS, ESCALATIONS, DECISIONS }

  static final StructType ANSWER =
      new StructType()
          .add("annotation_id", DataTypes.StringType, false)
          .add("worker_id", DataTypes.StringType, false)
          .add("label", DataTypes.StringType, false);

  static final StructType CONSENSUS_LABELS =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("label", DataTypes.StringType, true)
          .add("confidence", DataTypes.DoubleType, true)
          .add("decision", DataTypes.StringType, false)
          .add("method", DataTypes.StringType, false)
          .add("params_hash", DataTypes.StringType, false)
          .add("params", DataTypes.StringType, false)
          .add("n_annotations", DataTypes.IntegerType, false)
          .add("n_agreeing", DataTypes.IntegerType, false)
          .add("annotation_ids", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("guideline_version", DataTypes.StringType, true)
          .add("crowd_label", DataTypes.StringType, true)
          .add("crowd_confidence", DataTypes.DoubleType, true)
          .add("candidates", DataTypes.createArrayType(SparkAggregation.CANDIDATE, false), false)
          .add("adjudicated_by", DataTypes.StringType, true)
          .add("adjudication_disagrees", DataTypes.BooleanType, true)
          .add("min_annotators", DataTypes.IntegerType, false)
          .add("accept_threshold", DataTypes.DoubleType, false)
          .add("excluded_annotation_ids", DataTypes.createArrayType(DataTypes.StringType, false), false);

  static final StructType ESCALATIONS =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, false)
          .add("priority", DataTypes.DoubleType, false)
          .add("candidates", DataTypes.createArrayType(SparkAggregation.CANDIDATE, false), false)
          .add("annotations", DataTypes.createArrayType(ANSWER, false), false)
          .add("accept_threshold", DataTypes.DoubleType, false)
          .add("method", DataTypes.StringType, false)
          .add("params_hash", DataTypes.StringType, false);

  static final StructType DECISIONS = new StructType().add("decision", DataTypes.StringType, false);

  private final Output output;
  private final ConsensusPolicy.Method method;
  private final String[] projects;
  private final String[] steps;
  private final String[][] workers;
  private final String[][] labels;
  private final ConsensusPolicy.Thresholds[] thresholds;
  /** Per task, per worker: rated below the low-quality accuracy (null: the method rates no one). */
  private final boolean[][] lowQuality;

  ConsensusRows(
      Output output, ConsensusPolicy.Method method, String[] projects, String[] steps, String[][] workers,
      String[][] labels, ConsensusPolicy.Thresholds[] thresholds, boolean[][] lowQuality) {
    this.output = output;
    this.method = method;
    this.projects = projects;
    this.steps = steps;
    this.workers = workers;
    this.labels = labels;
    this.thresholds = thresholds;
    this.lowQuality = lowQuality;
  }

  @Override
  public Row item(int t, TaskBlock tb, int i, double[] post) {
    ItemBlock block = tb.block();
    ItemFacts facts = tb.facts();
    String[] names = labels[t];
    int best = Posteriors.argmax(post);
    int n = block.end(i) - block.start(i);
    boolean unanimous = true;
    boolean onlyLowQuality = lowQuality[t] != null;
    for (int a = block.start(i); a < block.end(i); a++) {
      unanimous &= block.label(a) == block.label(block.start(i));
      onlyLowQuality &= lowQuality[t] != null && lowQuality[t][block.worker(a)];
    }
    String gold = block.gold(i) == ItemBlock.NO_GOLD ? null : names[block.gold(i)];
    String adjudicated = facts.adjudicatedLabel(i);
    Decision decision = ConsensusPolicy.decide(gold, adjudicated, n, unanimous, post[best], thresholds[t]);
    switch (output) {
      case DECISIONS -> {
        return RowFactory.create(decision.name());
      }
      case ESCALATIONS -> {
        if (decision != Decision.ESCALATED) {
          return null;
        }
        Row[] candidates = SparkAggregation.candidates(post, names);
        double second = candidates.length > 1 ? candidates[1].getDouble(1) : 0;
        Row[] answers = new Row[n];
        for (int a = block.start(i); a < block.end(i); a++) {
          answers[a - block.start(i)] =
              RowFactory.create(facts.annotationId(a), workers[t][block.worker(a)], names[block.label(a)]);
        }
        Arrays.sort(answers, (x, y) -> x.getString(0).compareTo(y.getString(0)));
        return RowFactory.create(
            projects[t], steps[t], block.itemId(i), ConsensusPolicy.reason(onlyLowQuality, post[best], second).name(),
            BigDecimal.valueOf(1 - post[best]).setScale(9, RoundingMode.HALF_UP).doubleValue(), candidates, answers,
            thresholds[t].acceptThreshold(), method.name(), method.paramsHash());
      }
      default -> {
        String crowd = names[best];
        String label = gold != null ? gold : adjudicated != null ? adjudicated : crowd;
        int agreeing = 0;
        String[] ids = new String[n];
        for (int a = block.start(i); a < block.end(i); a++) {
          agreeing += names[block.label(a)].equals(label) ? 1 : 0;
          ids[a - block.start(i)] = facts.annotationId(a);
        }
        Arrays.sort(ids);
        boolean expert = gold != null || adjudicated != null;
        return RowFactory.create(
            projects[t], steps[t], block.itemId(i), label, expert ? 1.0 : post[best], decision.name(), method.name(),
            method.paramsHash(), method.paramsJson(), n, agreeing, ids, facts.guidelineVersion(i), crowd, post[best],
            SparkAggregation.candidates(post, names), facts.adjudicatedBy(i),
            adjudicated == null ? null : !adjudicated.equals(crowd), thresholds[t].minAnnotators(),
            thresholds[t].acceptThreshold(), sorted(facts.excluded(i)));
      }
    }
  }

  /** An item whose every answer was left out: decided by gold or an expert, else PENDING. */
  @Override
  public Row orphan(int t, TaskBlock tb, int o) {
    ItemFacts.Orphans orphans = tb.facts().orphans();
    String gold = orphans.goldLabel()[o];
    String adjudicated = orphans.adjudicatedLabel()[o];
    Decision decision = ConsensusPolicy.decide(gold, adjudicated, 0, false, 0, thresholds[t]);
    switch (output) {
      case DECISIONS -> {
        return RowFactory.create(decision.name());
      }
      case ESCALATIONS -> {
        return null;
      }
      default -> {
        String label = gold != null ? gold : adjudicated;
        return RowFactory.create(
            projects[t], steps[t], orphans.itemIds()[o], label, label == null ? null : 1.0, decision.name(),
            method.name(), method.paramsHash(), method.paramsJson(), 0, 0, new String[0], orphans.guidelineVersion()[o],
            null, null, new Row[0], orphans.adjudicatedBy()[o], null, thresholds[t].minAnnotators(),
            thresholds[t].acceptThreshold(), sorted(orphans.excluded()[o]));
      }
    }
  }

  private static String[] sorted(String[] ids) {
    String[] copy = ids.clone();
    Arrays.sort(copy);
    return copy;
  }
}
