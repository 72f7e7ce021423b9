package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The decision policy, per project and step: gold item -> GOLD; expert adjudication ->
 * ADJUDICATED (wins; its disagreement with the crowd label is recorded); fewer answers than the
 * minimum -> PENDING; every answer the same -> AUTO_APPROVED; top posterior at or above the accept
 * threshold -> ACCEPTED; otherwise ESCALATED. Thresholds come from the latest guideline version of
 * the project's label schema, else from the settings.
 */
public final class ConsensusPolicy {
  private static final String[] KEY = {"project_id", "step", "item_id"};

  private ConsensusPolicy() {}

  /** The method that produced the posteriors, recorded on every row. */
  public record Method(String name, String paramsHash, String paramsJson) {}

  /**
   * Decides every item.
   *
   * @param posteriors rows as {@code SparkAggregation.POSTERIORS}
   * @param annotations silver annotations of the same items
   * @param gold silver gold_labels, or null
   * @param adjudications silver adjudications, or null
   * @param schemas silver label_schemas, or null
   */
  public static Dataset<Row> decide(
      Dataset<Row> posteriors, Dataset<Row> annotations, Dataset<Row> gold, Dataset<Row> adjudications,
      Dataset<Row> schemas, ConsensusSettings settings, Method method) {
    Dataset<Row> perItem =
        annotations
            .groupBy(col("project_id"), col("step"), col("item_id"))
            .agg(
                expr("sort_array(collect_list(struct(annotation_id, worker_id, label)))").as("annotations"),
                max("guideline_version").as("guideline_version"));
    Dataset<Row> rows = posteriors.drop("n_agreeing").join(perItem, KEY, "left");
    if (gold != null) {
      rows = rows.join(gold.groupBy(col("project_id"), col("step"), col("item_id")).agg(max("label").as("gold_label")), KEY, "left");
    } else {
      rows = rows.withColumn("gold_label", lit(null).cast("string"));
    }
    if (adjudications != null) {
      // The latest decision wins; expert id breaks ties so the choice is deterministic.
      Dataset<Row> latest =
          adjudications
              .groupBy(col("project_id"), col("step"), col("item_id"))
              .agg(max_by(struct(col("label"), col("expert_id")), struct(col("decided_at"), col("expert_id"))).as("adj"));
      rows = rows.join(latest, KEY, "left")
          .withColumn("adjudicated_label", col("adj.label"))
          .withColumn("adjudicated_by", col("adj.expert_id"))
          .drop("adj");
    } else {
      rows = rows.withColumn("adjudicated_label", lit(null).cast("string")).withColumn("adjudicated_by", lit(null).cast("string"));
    }
    if (schemas != null) {
      Dataset<Row> thresholds =
          schemas
              .groupBy(col("project_id"), col("step"))
              .agg(max_by(struct(col("min_annotators"), col("accept_threshold")), col("guideline_version")).as("t"))
              .select(col("project_id"), col("step"), col("t.min_annotators").as("schema_min"), col("t.accept_threshold").as("schema_threshold"));
      rows = rows.join(thresholds, new String[] {"project_id", "step"}, "left");
    } else {
      rows = rows.withColumn("schema_min", lit(null).cast("int")).withColumn("schema_threshold", lit(null).cast("double"));
    }
    rows = rows
        .withColumn("min_annotators", coalesce(col("schema_min"), lit(settings.minAnnotators())))
        .withColumn("accept_threshold", coalesce(col("schema_threshold"), lit(settings.acceptThreshold())));

    Column unanimous = expr("size(array_distinct(transform(annotations, a -> a.label))) = 1");
    Column decision =
        when(col("gold_label").isNotNull(), lit(Decision.GOLD.name()))
            .when(col("adjudicated_label").isNotNull(), lit(Decision.ADJUDICATED.name()))
            .when(col("n_annotations").lt(col("min_annotators")), lit(Decision.PENDING.name()))
            .when(unanimous, lit(Decision.AUTO_APPROVED.name()))
            .when(col("crowd_confidence").geq(col("accept_threshold")), lit(Decision.ACCEPTED.name()))
            .otherwise(lit(Decision.ESCALATED.name()));
    Column label = coalesce(col("gold_label"), col("adjudicated_label"), col("crowd_label"));
    Column expertDecided = col("gold_label").isNotNull().or(col("adjudicated_label").isNotNull());
    return rows
        .withColumn("decision", decision)
        .withColumn("label", label)
        .withColumn("confidence", when(expertDecided, lit(1.0)).otherwise(col("crowd_confidence")))
        .withColumn("n_agreeing", expr("size(filter(annotations, a -> a.label = label))"))
        .withColumn("adjudication_disagrees",
            when(col("adjudicated_label").isNull(), lit(null).cast("boolean"))
                .otherwise(col("adjudicated_label").notEqual(col("crowd_label"))))
        .select(
            col("project_id"), col("step"), col("item_id"), col("label"), col("confidence"), col("decision"),
            lit(method.name()).as("method"), lit(method.paramsHash()).as("params_hash"), lit(method.paramsJson()).as("params"),
            col("n_annotations"), col("n_agreeing"), expr("transform(annotations, a -> a.annotation_id)").as("annotation_ids"),
            col("guideline_version"), col("crowd_label"), col("crowd_confidence"), col("candidates"),
            col("adjudicated_by"), col("adjudication_disagrees"), col("min_annotators"), col("accept_threshold"),
            col("annotations"));
  }

  /** consensus_labels rows: the decided rows without the per-item answers. */
  public static Dataset<Row> consensusLabels(Dataset<Row> decided) {
    return decided.drop("annotations");
  }

  /** escalations rows: escalated items, most uncertain first by priority (1 - top posterior). */
  public static Dataset<Row> escalations(Dataset<Row> decided) {
    return decided
        .where(col("decision").equalTo(Decision.ESCALATED.name()))
        .select(
            col("project_id"), col("step"), col("item_id"), lit("LOW_CONFIDENCE").as("reason"),
            expr("round(1 - crowd_confidence, 9)").as("priority"), col("candidates"), col("annotations"),
            col("accept_threshold"), col("method"), col("params_hash"));
  }
}
