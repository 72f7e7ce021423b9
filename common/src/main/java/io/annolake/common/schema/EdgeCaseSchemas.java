package io.annolake.common.schema;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schema of edge_cases and the question structs inside it. */
public final class EdgeCaseSchemas {
  private EdgeCaseSchemas() {}

  /** One question in a case's {@code questions} array. */
  public static final StructType QUESTION =
      new StructType()
          .add("worker_id", DataTypes.StringType)
          .add("question_text", DataTypes.StringType)
          .add("raised_at", DataTypes.TimestampType)
          .add("guideline_version", DataTypes.StringType);

  /** The edge_cases columns (run_id and as_of_date are added by the writer). */
  public static final StructType EDGE_CASES =
      new StructType()
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("status_reason", DataTypes.StringType)
          .add("raised_under_version", DataTypes.StringType)
          .add("opened_at", DataTypes.TimestampType)
          .add("question_count", DataTypes.IntegerType)
          .add("questions", DataTypes.createArrayType(QUESTION))
          .add("contested", DataTypes.BooleanType)
          .add("escalation_reason", DataTypes.StringType)
          .add("resolved_label", DataTypes.StringType)
          .add("rationale", DataTypes.StringType)
          .add("expert_id", DataTypes.StringType)
          .add("resolved_at", DataTypes.TimestampType)
          .add("folded_into_version", DataTypes.StringType)
          .add("folded_at", DataTypes.TimestampType);
}
