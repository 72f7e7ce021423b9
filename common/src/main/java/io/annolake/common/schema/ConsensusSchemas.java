package io.annolake.common.schema;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the consensus tables (consensus_labels, relabel_queue, escalations, worker_skills) and
 * the structs inside them; run_id is added by the writer.
 */
public final class ConsensusSchemas {
  private ConsensusSchemas() {}

  /** A candidate label of an item with its posterior (the candidates arrays below). */
  public static final StructType CANDIDATE =
      new StructType()
          .add("label", DataTypes.StringType, false)
          .add("posterior", DataTypes.DoubleType, false);

  /** An answer of an escalated item (escalations.annotations). */
  public static final StructType ANSWER =
      new StructType()
          .add("annotation_id", DataTypes.StringType, false)
          .add("worker_id", DataTypes.StringType, false)
          .add("label", DataTypes.StringType, false);

  /** An answer acting anomaly flags left out, with the flags' ids (anomaly_flags.flag_id). */
  public static final StructType FLAGGED =
      new StructType()
          .add("annotation_id", DataTypes.StringType, false)
          .add("flag_ids", DataTypes.createArrayType(DataTypes.StringType, false), false);

  /** consensus_labels: one decided (or pending) item per project and step. */
  public static final StructType CONSENSUS_LABELS =
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
          .add("candidates", DataTypes.createArrayType(CANDIDATE, false), false)
          .add("adjudicated_by", DataTypes.StringType, true)
          .add("adjudication_disagrees", DataTypes.BooleanType, true)
          .add("min_annotators", DataTypes.IntegerType, false)
          .add("accept_threshold", DataTypes.DoubleType, false)
          .add(
              "excluded_annotation_ids",
              DataTypes.createArrayType(DataTypes.StringType, false),
              false)
          .add("decision_policy", DataTypes.StringType, false)
          .add("flagged_annotations", DataTypes.createArrayType(FLAGGED, false), false)
          .add("guideline_versions", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add(
              "superseded_annotation_ids",
              DataTypes.createArrayType(DataTypes.StringType, false),
              false);

  /** relabel_queue: PENDING_RELABEL items, with what they need. */
  public static final StructType RELABEL_QUEUE =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("old_versions", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("new_version", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, false)
          .add("current_answers", DataTypes.IntegerType, false)
          .add(
              "superseded_annotation_ids",
              DataTypes.createArrayType(DataTypes.StringType, false),
              false)
          .add("answers_needed", DataTypes.IntegerType, false)
          .add("priority", DataTypes.DoubleType, false);

  /** escalations: items sent to an expert, with why and the answers they had. */
  public static final StructType ESCALATIONS =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, false)
          .add("priority", DataTypes.DoubleType, false)
          .add("candidates", DataTypes.createArrayType(CANDIDATE, false), false)
          .add("annotations", DataTypes.createArrayType(ANSWER, false), false)
          .add("accept_threshold", DataTypes.DoubleType, false)
          .add("method", DataTypes.StringType, false)
          .add("params_hash", DataTypes.StringType, false);

  /** worker_skills: each worker's fitted skill (or confusion cell) per project, step and method. */
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
}
