package io.annolake.common.edgecase;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.EdgeCaseSchemas;
import io.annolake.common.spark.ScalaSeqs;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The edge-case library (edge_cases): one row per project, step and item that an annotator asked
 * about, that an expert decided with a rationale, or that consensus escalated. Each row carries the
 * questions (oldest first, each with the guideline version in force when it was raised), the
 * resolution (the latest adjudication: label, rationale, expert, time), the guideline version the
 * case was raised under, and its status:
 *
 * <ul>
 *   <li>{@code OPEN}: no adjudication yet, or a question raised after the latest one (reopened).
 *   <li>{@code FOLDED}: adjudicated, and a later guideline version of the same project and step,
 *       effective after the decision, adds or redefines the resolved label: the case is now part of
 *       the manual ({@code folded_into_version}: the earliest such version).
 *   <li>{@code RESOLVED}: adjudicated, not (yet) folded.
 * </ul>
 *
 * Pure: tables in, rows out; no action runs. Guideline versions are a handful per step and are
 * broadcast.
 */
public final class EdgeCases {
  private EdgeCases() {}

  /** Status of an edge case. */
  public enum Status {
    /** Waiting for an expert: asked or contested, not decided (or asked again after a decision). */
    OPEN,
    /** An expert decided, with a label and (usually) a rationale. */
    RESOLVED,
    /** Decided, and a later guideline version adds or redefines the decided label. */
    FOLDED
  }

  /**
   * The inputs, each already cut to the run's logical date and project; any may be null (absent).
   *
   * @param questions annotator_questions (project_id, step, item_id, worker_id, question_text,
   *     raised_at)
   * @param adjudications adjudications (project_id, step, item_id, label, expert_id, rationale,
   *     decided_at)
   * @param guidelines guidelines (project_id, step, guideline_version, effective_at, labels_added,
   *     labels_redefined)
   * @param escalations escalations (project_id, step, item_id, reason)
   * @param consensus consensus_labels (project_id, step, item_id, decision, guideline_version)
   */
  public record Inputs(
      Dataset<Row> questions,
      Dataset<Row> adjudications,
      Dataset<Row> guidelines,
      Dataset<Row> escalations,
      Dataset<Row> consensus) {}

  private static final String[] ITEM = {"project_id", "step", "item_id"};

  /** The edge_cases rows ({@link EdgeCaseSchemas#EDGE_CASES}). */
  public static Dataset<Row> build(SparkSession spark, Inputs in) {
    Dataset<Row> versions = versions(spark, in.guidelines());
    Dataset<Row> questions =
        orEmpty(
            spark,
            in.questions(),
            new StructType()
                .add("project_id", DataTypes.StringType)
                .add("step", DataTypes.StringType)
                .add("item_id", DataTypes.StringType)
                .add("worker_id", DataTypes.StringType)
                .add("question_text", DataTypes.StringType)
                .add("raised_at", DataTypes.TimestampType));
    Dataset<Row> asked =
        inForce(
                questions.select(
                    "project_id", "step", "item_id", "worker_id", "question_text", "raised_at"),
                new String[] {"project_id", "step", "item_id", "worker_id", "raised_at"},
                "raised_at",
                versions,
                "guideline_version")
            .groupBy(ITEM[0], ITEM[1], ITEM[2])
            .agg(
                // sorted by time first (then worker, text), then given the documented field order
                sort_array(
                        collect_list(
                            struct(
                                col(Columns.RAISED_AT),
                                col(Columns.WORKER_ID),
                                col(Columns.QUESTION_TEXT),
                                col(Columns.GUIDELINE_VERSION))))
                    .as("_asked"),
                count(lit(1)).cast("int").as(Columns.QUESTION_COUNT),
                min("raised_at").as("_first_raised_at"),
                max("raised_at").as("_last_raised_at"))
            .withColumn(
                "questions",
                transform(
                    col("_asked"),
                    q ->
                        struct(
                            q.getField("worker_id").as(Columns.WORKER_ID),
                            q.getField("question_text").as(Columns.QUESTION_TEXT),
                            q.getField("raised_at").as(Columns.RAISED_AT),
                            q.getField("guideline_version").as(Columns.GUIDELINE_VERSION))))
            .drop("_asked");

    Dataset<Row> adjudications =
        orEmpty(
            spark,
            in.adjudications(),
            new StructType()
                .add("project_id", DataTypes.StringType)
                .add("step", DataTypes.StringType)
                .add("item_id", DataTypes.StringType)
                .add("label", DataTypes.StringType)
                .add("expert_id", DataTypes.StringType)
                .add("rationale", DataTypes.StringType)
                .add("decided_at", DataTypes.TimestampType));
    // the latest decision per item, as consensus takes it (expert id breaks ties)
    Dataset<Row> decided =
        adjudications
            .groupBy(ITEM[0], ITEM[1], ITEM[2])
            .agg(
                max_by(
                        struct(
                            col(Columns.LABEL),
                            col(Columns.RATIONALE),
                            col(Columns.EXPERT_ID),
                            col(Columns.DECIDED_AT)),
                        struct(col(Columns.DECIDED_AT), col(Columns.EXPERT_ID)))
                    .as("_adj"))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col("_adj.label").as(Columns.RESOLVED_LABEL),
                col("_adj.rationale").as(Columns.RATIONALE),
                col("_adj.expert_id").as(Columns.EXPERT_ID),
                col("_adj.decided_at").as(Columns.RESOLVED_AT));

    Dataset<Row> cases =
        asked
            .join(decided, ScalaSeqs.of(ITEM), "full_outer")
            .join(
                contested(spark, in.escalations(), in.consensus()),
                ScalaSeqs.of(ITEM),
                "full_outer")
            .where(
                col(Columns.QUESTION_COUNT)
                    .isNotNull()
                    .or(col("_contested").isNotNull())
                    .or(trim(coalesce(col(Columns.RATIONALE), lit(""))).notEqual("")))
            .withColumn(
                Columns.OPENED_AT, coalesce(col("_first_raised_at"), col(Columns.RESOLVED_AT)));
    cases =
        inForce(cases, ITEM, "opened_at", versions, "_opened_under")
            .withColumn(
                "raised_under_version", coalesce(col("_opened_under"), col("_consensus_version")));
    return status(cases, versions);
  }

  /**
   * Status, reason and fold. A decision folds into the earliest later version (effective after the
   * decision) of its project and step whose labels_added or labels_redefined hold the decided label
   * (each label of a multi-label JSON array counts).
   */
  private static Dataset<Row> status(Dataset<Row> cases, Dataset<Row> versions) {
    Column decidedLabels =
        coalesce(
            from_json(col(Columns.RESOLVED_LABEL), DataTypes.createArrayType(DataTypes.StringType)),
            array(col(Columns.RESOLVED_LABEL)));
    Column changed = concat(col("_v_added"), col("_v_redefined"));
    Dataset<Row> folds =
        cases
            .where(col(Columns.RESOLVED_AT).isNotNull())
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col(Columns.RESOLVED_AT),
                decidedLabels.as("_decided"))
            .join(
                broadcast(versions),
                col("_v_project")
                    .equalTo(col(Columns.PROJECT_ID))
                    .and(col("_v_step").equalTo(col(Columns.STEP)))
                    .and(col("_v_effective").gt(col(Columns.RESOLVED_AT)))
                    .and(arrays_overlap(col("_decided"), changed)))
            .groupBy(ITEM[0], ITEM[1], ITEM[2])
            .agg(
                min(struct(
                        col("_v_effective"),
                        col("_v_version"),
                        arrays_overlap(col("_decided"), col("_v_redefined")).as("_redefines")))
                    .as("_fold"))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col("_fold._v_version").as("_fold_version"),
                col("_fold._v_effective").as("_fold_at"),
                col("_fold._redefines").as("_fold_redefines"));
    Dataset<Row> withFold = cases.join(folds, ScalaSeqs.of(ITEM), "left");

    Column resolved = col(Columns.RESOLVED_AT).isNotNull();
    Column reopened =
        resolved.and(coalesce(col("_last_raised_at").gt(col(Columns.RESOLVED_AT)), lit(false)));
    Column open = resolved.unary_$bang().or(reopened);
    Column folded = open.unary_$bang().and(col("_fold_version").isNotNull());
    Column escalated =
        concat(lit("escalated: "), coalesce(col(Columns.ESCALATION_REASON), lit("ESCALATED")));
    Column reason =
        when(reopened, lit("question raised after the expert's decision"))
            .when(
                open.and(col(Columns.QUESTION_COUNT).isNotNull())
                    .and(col("_contested").isNotNull()),
                concat(lit("question awaiting an expert; "), escalated))
            .when(
                open.and(col(Columns.QUESTION_COUNT).isNotNull()),
                lit("question awaiting an expert"))
            .when(open, escalated)
            .when(
                folded,
                concat(
                    lit("guideline "),
                    col("_fold_version"),
                    when(col("_fold_redefines"), lit(" redefines '")).otherwise(lit(" adds '")),
                    col(Columns.RESOLVED_LABEL),
                    lit("'")))
            .otherwise(lit("decided by an expert"));
    Column status =
        when(open, lit(Status.OPEN.name()))
            .when(folded, lit(Status.FOLDED.name()))
            .otherwise(lit(Status.RESOLVED.name()));
    return withFold.select(
        col(Columns.PROJECT_ID),
        col(Columns.STEP),
        col(Columns.ITEM_ID),
        status.as(Columns.STATUS),
        reason.as(Columns.STATUS_REASON),
        col(Columns.RAISED_UNDER_VERSION),
        col(Columns.OPENED_AT),
        coalesce(col(Columns.QUESTION_COUNT), lit(0)).as(Columns.QUESTION_COUNT),
        coalesce(
                col(Columns.QUESTIONS),
                array().cast(DataTypes.createArrayType(EdgeCaseSchemas.QUESTION)))
            .as(Columns.QUESTIONS),
        col("_contested").isNotNull().as(Columns.CONTESTED),
        col(Columns.ESCALATION_REASON),
        col(Columns.RESOLVED_LABEL),
        col(Columns.RATIONALE),
        col(Columns.EXPERT_ID),
        col(Columns.RESOLVED_AT),
        when(folded, col("_fold_version")).as(Columns.FOLDED_INTO_VERSION),
        when(folded, col("_fold_at")).as(Columns.FOLDED_AT));
  }

  /**
   * Contested items: escalations' rows (with their reason) and ESCALATED consensus labels (with the
   * guideline version of their answers), keyed by item; {@code _contested} is non-null for each.
   */
  private static Dataset<Row> contested(
      SparkSession spark, Dataset<Row> escalations, Dataset<Row> consensus) {
    List<Dataset<Row>> parts = new ArrayList<>();
    if (escalations != null) {
      parts.add(
          escalations.select(
              col(Columns.PROJECT_ID),
              col(Columns.STEP),
              col(Columns.ITEM_ID),
              col(Columns.REASON).as(Columns.ESCALATION_REASON),
              lit(null).cast("string").as("_consensus_version")));
    }
    if (consensus != null) {
      parts.add(
          consensus
              .where(col(Columns.DECISION).equalTo(lit("ESCALATED")))
              .select(
                  col(Columns.PROJECT_ID),
                  col(Columns.STEP),
                  col(Columns.ITEM_ID),
                  lit(null).cast("string").as(Columns.ESCALATION_REASON),
                  col(Columns.GUIDELINE_VERSION).as("_consensus_version")));
    }
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("escalation_reason", DataTypes.StringType)
            .add("_consensus_version", DataTypes.StringType);
    Dataset<Row> all = spark.createDataFrame(List.<Row>of(), schema);
    for (Dataset<Row> p : parts) {
      all = all.unionByName(p);
    }
    // first() would depend on row order: max picks the same value every time
    return all.groupBy(ITEM[0], ITEM[1], ITEM[2])
        .agg(
            max("escalation_reason").as(Columns.ESCALATION_REASON),
            max("_consensus_version").as("_consensus_version"))
        .withColumn("_contested", lit(true));
  }

  /**
   * Adds {@code as}: the guideline version of the row's project and step in force at its {@code
   * time} (the latest effective at or before it; null when none is). Rows must be unique by {@code
   * keys}, which include project_id and step.
   */
  static Dataset<Row> inForce(
      Dataset<Row> rows, String[] keys, String time, Dataset<Row> versions, String as) {
    List<Column> select = new ArrayList<>();
    for (String k : keys) {
      select.add(col(k));
    }
    select.add(col(time).as("_at"));
    Dataset<Row> found =
        rows.select(select.toArray(Column[]::new))
            .where(col("_at").isNotNull())
            .join(
                broadcast(versions),
                col("_v_project")
                    .equalTo(col(Columns.PROJECT_ID))
                    .and(col("_v_step").equalTo(col(Columns.STEP)))
                    .and(col("_v_effective").leq(col("_at"))))
            .groupBy(java.util.Arrays.stream(keys).map(k -> col(k)).toArray(Column[]::new))
            .agg(max_by(col("_v_version"), struct(col("_v_effective"), col("_v_version"))).as(as));
    return rows.join(found, ScalaSeqs.of(keys), "left");
  }

  /** Guideline versions with prefixed names (joined beside other tables); empty when absent. */
  private static Dataset<Row> versions(SparkSession spark, Dataset<Row> guidelines) {
    Column none = array().cast(DataTypes.createArrayType(DataTypes.StringType));
    if (guidelines == null) {
      StructType schema =
          new StructType()
              .add("_v_project", DataTypes.StringType)
              .add("_v_step", DataTypes.StringType)
              .add("_v_version", DataTypes.StringType)
              .add("_v_effective", DataTypes.TimestampType)
              .add("_v_added", DataTypes.createArrayType(DataTypes.StringType))
              .add("_v_redefined", DataTypes.createArrayType(DataTypes.StringType));
      return spark.createDataFrame(List.<Row>of(), schema);
    }
    return guidelines.select(
        col(Columns.PROJECT_ID).as("_v_project"),
        col(Columns.STEP).as("_v_step"),
        col(Columns.GUIDELINE_VERSION).as("_v_version"),
        col(Columns.EFFECTIVE_AT).as("_v_effective"),
        coalesce(col(Columns.LABELS_ADDED), none).as("_v_added"),
        coalesce(col(Columns.LABELS_REDEFINED), none).as("_v_redefined"));
  }

  private static Dataset<Row> orEmpty(SparkSession spark, Dataset<Row> table, StructType schema) {
    return table != null ? table : spark.createDataFrame(List.<Row>of(), schema);
  }

  /** The first (oldest) question of a case row, for short listings; null without questions. */
  public static Column firstQuestion() {
    return when(size(col(Columns.QUESTIONS)).gt(0), element_at(col(Columns.QUESTIONS), 1));
  }
}
