package io.annolake.common.compose;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.consensus.Decision;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RelabelReason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * composite_labels: per project and item of a configured {@link Pipeline}, each step's final label
 * and decision (from consensus_labels), the verification outcomes, and whether the item is
 * complete; and the relabel_queue rows (reason VERIFICATION_REJECTED) that send a rejected item
 * back to the verified step. Pure Column code over consensus_labels; no action runs.
 *
 * <p>The rule (docs/OPERATIONS-MODEL.md, "Steps that compose"): a step's label is final when its
 * decision is GOLD, ADJUDICATED, AUTO_APPROVED, ACCEPTED or MAJORITY. A verification step's final
 * label reads as ACCEPTED or REJECTED by the pipeline's label sets (UNRECOGNIZED otherwise; PENDING
 * while not final); a verification of a GOLD or ADJUDICATED label is ACCEPTED whatever it says. An
 * item is complete when every step is final and no verification is other than ACCEPTED.
 */
public final class CompositeLabels {
  private CompositeLabels() {}

  /** Decisions whose label is final. */
  public static final List<String> FINAL =
      names(
          Decision.GOLD,
          Decision.ADJUDICATED,
          Decision.AUTO_APPROVED,
          Decision.ACCEPTED,
          Decision.MAJORITY);

  /** Final decisions the crowd made: the ones a rejected verification sends back. */
  public static final List<String> CROWD_FINAL =
      names(Decision.AUTO_APPROVED, Decision.ACCEPTED, Decision.MAJORITY);

  /** composite_labels.status values. */
  public static final String COMPLETE = "COMPLETE";

  public static final String REJECTED = "REJECTED";
  public static final String IN_PROGRESS = "IN_PROGRESS";

  /** One row per (project, pipeline step): the configured pipelines as a small table. */
  public static final StructType SPEC =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("position", DataTypes.IntegerType, false)
          .add("verifies", DataTypes.StringType, true)
          .add("accept", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("reject", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("pipeline", DataTypes.StringType, false);

  /** The pipelines as a {@link #SPEC} table. */
  public static Dataset<Row> spec(SparkSession spark, Collection<Pipeline> pipelines) {
    List<Row> rows = new ArrayList<>();
    for (Pipeline p : pipelines) {
      for (String step : p.steps()) {
        rows.add(
            RowFactory.create(
                p.project(),
                step,
                p.position(step),
                p.verified(step),
                p.acceptLabels().toArray(String[]::new),
                p.rejectLabels().toArray(String[]::new),
                p.describe()));
      }
    }
    return spark.createDataFrame(rows, SPEC);
  }

  /**
   * One row per (project, item, pipeline step) for every item with a consensus row in at least one
   * step of its project's pipeline: the step's consensus columns (null where the step has no row
   * yet), {@code final}, and for a verification step the {@code outcome} ({@link
   * VerificationOutcome}) and the verified step's position and decision.
   *
   * @param consensus consensus_labels
   * @param spec the pipelines ({@link #spec})
   */
  public static Dataset<Row> stepRows(Dataset<Row> consensus, Dataset<Row> spec) {
    Dataset<Row> labels =
        consensus.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.LABEL),
            col(Columns.DECISION),
            col(Columns.CONFIDENCE),
            col(Columns.RUN_ID).as("consensus_run_id"),
            col(Columns.GUIDELINE_VERSION),
            col(Columns.GUIDELINE_VERSIONS),
            col(Columns.ANNOTATION_IDS),
            col(Columns.MIN_ANNOTATORS));
    String[] stepKey = {"project_id", "step"};
    Dataset<Row> items =
        labels
            .join(spec.select(col(Columns.PROJECT_ID), col(Columns.STEP)), stepKey)
            .select(col(Columns.PROJECT_ID), col(Columns.ITEM_ID))
            .distinct();
    Dataset<Row> rows =
        items
            .join(spec, "project_id")
            .join(labels, new String[] {"project_id", "step", "item_id"}, "left")
            .withColumn("final", coalesce(col(Columns.DECISION).isin(FINAL.toArray()), lit(false)));
    Dataset<Row> verified =
        rows.select(
            col(Columns.PROJECT_ID),
            col(Columns.ITEM_ID),
            col(Columns.STEP).as("verifies"),
            col("position").as("verified_position"),
            col(Columns.DECISION).as("verified_decision"));
    Column label = lower(col(Columns.LABEL));
    Column outcome =
        when(col("verifies").isNull(), lit(null).cast(DataTypes.StringType))
            .when(not(col("final")), lit(VerificationOutcome.PENDING.name()))
            .when(
                col("verified_decision").isin(Decision.GOLD.name(), Decision.ADJUDICATED.name()),
                lit(VerificationOutcome.ACCEPTED.name()))
            .when(array_contains(col("accept"), label), lit(VerificationOutcome.ACCEPTED.name()))
            .when(array_contains(col("reject"), label), lit(VerificationOutcome.REJECTED.name()))
            .otherwise(lit(VerificationOutcome.UNRECOGNIZED.name()));
    return rows.join(verified, new String[] {"project_id", "item_id", "verifies"}, "left")
        .withColumn("outcome", outcome);
  }

  /**
   * composite_labels rows (run_id and as_of_date are added by the writer) from {@link #stepRows}.
   */
  public static Dataset<Row> composite(Dataset<Row> steps) {
    Column isRejected = col("outcome").equalTo(VerificationOutcome.REJECTED.name());
    Column isUnrecognized = col("outcome").equalTo(VerificationOutcome.UNRECOGNIZED.name());
    Column isPending = col("outcome").equalTo(VerificationOutcome.PENDING.name());
    Dataset<Row> grouped =
        steps
            .groupBy(col(Columns.PROJECT_ID), col(Columns.ITEM_ID), col(Columns.PIPELINE))
            .agg(
                sort_array(
                        collect_list(
                            struct(
                                col("position"),
                                col(Columns.STEP),
                                col(Columns.LABEL),
                                col(Columns.DECISION),
                                col(Columns.CONFIDENCE),
                                col("final"),
                                col("consensus_run_id"))))
                    .as("_steps"),
                sort_array(
                        collect_list(
                            when(
                                col("verifies").isNotNull(),
                                struct(
                                    col("position"),
                                    col(Columns.STEP),
                                    col("verifies"),
                                    col(Columns.LABEL),
                                    col(Columns.DECISION),
                                    col("outcome")))))
                    .as("_verifications"),
                sum(when(not(col("final")), 1).otherwise(0)).as("_open"),
                sum(when(isRejected, 1).otherwise(0)).as("_rejected"),
                sum(when(isUnrecognized, 1).otherwise(0)).as("_unrecognized"),
                sum(when(isPending, 1).otherwise(0)).as("_pending"),
                count(col("verifies")).as("_verifying"),
                min(when(isRejected, struct(col("verified_position"), col("verifies"))))
                    .as("_back"),
                min(when(
                        not(col("final")).or(isUnrecognized),
                        struct(col("position"), col(Columns.STEP))))
                    .as("_next"));
    Column complete =
        col("_open")
            .equalTo(0)
            .and(col("_rejected").equalTo(0))
            .and(col("_unrecognized").equalTo(0));
    Column outcome =
        when(col("_verifying").equalTo(0), lit(null).cast(DataTypes.StringType))
            .when(col("_rejected").gt(0), lit(VerificationOutcome.REJECTED.name()))
            .when(col("_unrecognized").gt(0), lit(VerificationOutcome.UNRECOGNIZED.name()))
            .when(col("_pending").gt(0), lit(VerificationOutcome.PENDING.name()))
            .otherwise(lit(VerificationOutcome.ACCEPTED.name()));
    return grouped.select(
        col(Columns.PROJECT_ID),
        col(Columns.ITEM_ID),
        col(Columns.PIPELINE),
        transform(
                col("_steps"),
                s ->
                    struct(
                        s.getField("step").as(Columns.STEP),
                        s.getField("label").as(Columns.LABEL),
                        s.getField("decision").as(Columns.DECISION),
                        s.getField("confidence").as(Columns.CONFIDENCE),
                        s.getField("final").as("final"),
                        s.getField("consensus_run_id").as("consensus_run_id")))
            .as(Columns.STEPS),
        map_from_entries(
                transform(
                    filter(col("_steps"), s -> s.getField("final")),
                    s -> struct(s.getField("step"), s.getField("label"))))
            .as(Columns.LABELS),
        transform(
                col("_verifications"),
                v ->
                    struct(
                        v.getField("step").as(Columns.STEP),
                        v.getField("verifies").as("verifies"),
                        v.getField("label").as(Columns.LABEL),
                        v.getField("decision").as(Columns.DECISION),
                        v.getField("outcome").as("outcome")))
            .as(Columns.VERIFICATIONS),
        outcome.as(Columns.VERIFICATION_OUTCOME),
        complete.as(Columns.COMPLETE),
        when(complete, lit(COMPLETE))
            .when(col("_rejected").gt(0), lit(REJECTED))
            .otherwise(lit(IN_PROGRESS))
            .as(Columns.STATUS),
        when(complete, lit(null).cast(DataTypes.StringType))
            .otherwise(coalesce(col("_back.verifies"), col("_next.step")))
            .as(Columns.NEXT_STEP));
  }

  /**
   * relabel_queue rows (its columns, in order; run_id and as_of_date are added by the writer) for
   * the items a verification rejected, one per (project, verified step, item) whose label the crowd
   * decided (AUTO_APPROVED, ACCEPTED, MAJORITY): the rejected label's answers are to be replaced by
   * a full new round (current_answers 0, answers_needed = min_annotators, priority 1).
   *
   * @param steps {@link #stepRows}
   * @param guidelines silver guidelines up to the logical date (the step's newest version becomes
   *     new_version), or null (new_version is then the rejected label's latest version)
   */
  public static Dataset<Row> relabels(Dataset<Row> steps, Dataset<Row> guidelines) {
    Dataset<Row> rejected =
        steps
            .where(col("outcome").equalTo(VerificationOutcome.REJECTED.name()))
            .select(col(Columns.PROJECT_ID), col(Columns.ITEM_ID), col("verifies").as(Columns.STEP))
            .distinct();
    Dataset<Row> sentBack =
        rejected
            .join(steps, new String[] {"project_id", "item_id", "step"})
            .where(col(Columns.DECISION).isin(CROWD_FINAL.toArray()));
    Column newVersion = col(Columns.GUIDELINE_VERSION);
    if (guidelines != null) {
      Dataset<Row> newest =
          guidelines
              .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP))
              .agg(max_by(col(Columns.GUIDELINE_VERSION), col(Columns.EFFECTIVE_AT)).as("_newest"));
      sentBack = sentBack.join(newest, new String[] {"project_id", "step"}, "left");
      newVersion = coalesce(col("_newest"), col(Columns.GUIDELINE_VERSION));
    }
    Column noIds = array().cast(DataTypes.createArrayType(DataTypes.StringType));
    return sentBack.select(
        col(Columns.PROJECT_ID),
        col(Columns.STEP),
        col(Columns.ITEM_ID),
        coalesce(col(Columns.GUIDELINE_VERSIONS), noIds).as(Columns.OLD_VERSIONS),
        newVersion.as(Columns.NEW_VERSION),
        lit(RelabelReason.VERIFICATION_REJECTED.name()).as(Columns.REASON),
        lit(0).as(Columns.CURRENT_ANSWERS),
        coalesce(col(Columns.ANNOTATION_IDS), noIds).as(Columns.SUPERSEDED_ANNOTATION_IDS),
        coalesce(col(Columns.MIN_ANNOTATORS), lit(1))
            .cast(DataTypes.IntegerType)
            .as(Columns.ANSWERS_NEEDED),
        lit(1.0).as(Columns.PRIORITY));
  }

  private static List<String> names(Decision... decisions) {
    List<String> out = new ArrayList<>();
    for (Decision d : decisions) {
      out.add(d.name());
    }
    return List.copyOf(out);
  }
}
