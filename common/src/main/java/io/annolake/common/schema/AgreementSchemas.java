package io.annolake.common.schema;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the agreement tables (run_id is added by the writer). */
public final class AgreementSchemas {
  private AgreementSchemas() {}

  /** The slice columns every agreement table starts with; null where not sliced by. */
  private static StructType slice() {
    return new StructType()
        .add("project_id", StringType, false)
        .add("step", StringType, true)
        .add("guideline_version", StringType, true)
        .add("day", DateType, true);
  }

  /** Per-item answers, one per worker (the latest): the units of every coefficient. */
  public static final StructType ITEMS =
      new StructType()
          .add("project_id", StringType, false)
          .add("step", StringType, true)
          .add("guideline_version", StringType, true)
          .add("day", StringType, true)
          .add("item_id", StringType, false)
          .add("workers", DataTypes.createArrayType(StringType, false), false)
          .add("labels", DataTypes.createArrayType(StringType, false), false);

  public static final StructType SUMMARY =
      slice()
          .add("metric", StringType, false)
          .add("level", StringType, false)
          .add("value", DoubleType, true)
          .add("standard_error", DoubleType, true)
          .add("ci_lower", DoubleType, true)
          .add("ci_upper", DoubleType, true)
          .add("confidence", DoubleType, true)
          .add("resamples", IntegerType, false)
          .add("n_items", LongType, false)
          .add("n_annotations", LongType, false)
          .add("n_categories", IntegerType, false)
          .add("status", StringType, false)
          .add("error", StringType, true)
          .add("note", StringType, true);

  public static final StructType ITEM_AGREEMENT =
      new StructType()
          .add("project_id", StringType, false)
          .add("step", StringType, true)
          .add("guideline_version", StringType, true)
          .add("day", DateType, true)
          .add("item_id", StringType, false)
          .add("n_annotations", IntegerType, false)
          .add("n_labels", IntegerType, false)
          .add("top_label", StringType, true)
          .add("top_label_share", DoubleType, true)
          .add("entropy_bits", DoubleType, true)
          .add("percent_agreement", DoubleType, true);

  public static final StructType WORKER_PAIR_AGREEMENT =
      slice()
          .add("worker_a", StringType, false)
          .add("worker_b", StringType, false)
          .add("n_items", LongType, false)
          .add("percent_agreement", DoubleType, false)
          .add("cohen_kappa", DoubleType, true)
          .add("standard_error", DoubleType, true)
          .add("status", StringType, false)
          .add("error", StringType, true);

  public static final StructType WORKER_AGREEMENT =
      slice()
          .add("worker_id", StringType, false)
          .add("n_items", LongType, false)
          .add("n_pairs", LongType, false)
          .add("agreement_with_others", DoubleType, true)
          // against consensus_labels (null without that table): units with a final label, share
          // equal to it
          .add("n_consensus_items", LongType, true)
          .add("agreement_with_consensus", DoubleType, true);
}
