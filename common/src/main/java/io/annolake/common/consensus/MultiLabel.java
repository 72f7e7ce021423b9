package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.schema.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Multi-label steps aggregated per label. A step whose label schema has {@code label_type =
 * multi_label} takes answers that are label sets (a JSON array of allowed labels, docs/INGEST.md);
 * each allowed label {@code l} becomes a binary task of its own, step {@code step[l]} with labels
 * {@code present} / {@code absent}, fitted and decided by the configured method and policy like any
 * step ({@link #binarize}, {@link #binarizeSchemas}, {@link #binarizeGuidelines}). Afterwards
 * ({@link #combine}) the per-label rows become one consensus_labels row per item of the step whose
 * label is the sorted JSON array of the labels decided present, and {@link #presence} keeps the
 * per-label rows (label_presence). Escalations, worker_skills and relabel_queue keep the per-label
 * tasks ({@code step[l]}): an expert decides, a worker is rated, an item is relabeled per label.
 *
 * <p>The combined decision is the least settled of its labels' decisions, in the order
 * PENDING_RELABEL, PENDING, ESCALATED, ACCEPTED / MAJORITY, AUTO_APPROVED, ADJUDICATED, GOLD: a set
 * is only as settled as its least settled label. Its confidence is the lowest of the labels'.
 */
public final class MultiLabel {
  private MultiLabel() {}

  /** The label type of a multi-label step in label_schemas. */
  public static final String LABEL_TYPE = "multi_label";

  public static final String PRESENT = "present";
  public static final String ABSENT = "absent";

  /** Decisions from least to most settled (see the class comment). */
  static final List<List<Decision>> SETTLEDNESS =
      List.of(
          List.of(Decision.PENDING_RELABEL),
          List.of(Decision.PENDING),
          List.of(Decision.ESCALATED),
          List.of(Decision.ACCEPTED, Decision.MAJORITY),
          List.of(Decision.AUTO_APPROVED),
          List.of(Decision.ADJUDICATED),
          List.of(Decision.GOLD));

  /**
   * The multi-label steps of the schemas as a small local table, or null when there are none (or no
   * schemas).
   */
  public static Dataset<Row> collectSteps(Dataset<Row> schemas) {
    if (schemas == null) {
      return null;
    }
    Dataset<Row> multi = steps(schemas);
    List<Row> rows = multi.collectAsList();
    return rows.isEmpty() ? null : schemas.sparkSession().createDataFrame(rows, multi.schema());
  }

  /**
   * The consensus inputs with every multi-label step split into its label tasks: answers, gold and
   * adjudications binarized, schemas and guidelines per label, status intervals repeated per label
   * task. Flagged answers are matched by annotation id, so a flag covers every label of an answer.
   */
  public static ConsensusComputation.Inputs binarize(
      ConsensusComputation.Inputs in, Dataset<Row> multi) {
    return new ConsensusComputation.Inputs(
        binarize(in.annotations(), multi),
        in.gold() == null ? null : binarize(in.gold(), multi),
        in.adjudications() == null ? null : binarize(in.adjudications(), multi),
        in.schemas() == null ? null : binarizeSchemas(in.schemas()),
        in.statusIntervals() == null ? null : expandSteps(in.statusIntervals(), multi),
        in.flagged(),
        in.guidelines() == null ? null : binarizeGuidelines(in.guidelines(), multi));
  }

  /** The binary task of label {@code l} of a multi-label step: {@code step[l]}. */
  public static String labelStep(String step, String label) {
    return step + "[" + label + "]";
  }

  private static Column labelStep(Column step, Column label) {
    return concat(step, lit("["), label, lit("]"));
  }

  /**
   * The multi-label steps: project_id, step, labels (every label any version of the step's schema
   * allows), from label_schemas; empty when no step is multi-label.
   */
  public static Dataset<Row> steps(Dataset<Row> schemas) {
    return schemas
        .where(col(Columns.LABEL_TYPE).equalTo(LABEL_TYPE))
        .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP))
        .agg(
            array_sort(array_distinct(flatten(collect_list(col(Columns.LABELS)))))
                .as(Columns.LABELS));
  }

  /**
   * Rows of a multi-label step (annotations, gold labels, adjudications: project_id, step, label as
   * a JSON array) become one row per allowed label, step {@code step[l]}, label present or absent
   * (a set that does not parse reads as every label absent; ingest rejects such answers); every
   * other column, and rows of other steps, unchanged.
   *
   * @param multi {@link #steps}
   */
  public static Dataset<Row> binarize(Dataset<Row> rows, Dataset<Row> multi) {
    Column set = from_json(col(Columns.LABEL), DataTypes.createArrayType(DataTypes.StringType));
    Column l = col("_ml_label");
    return withLabels(rows, multi)
        .withColumn("_ml_label", explode_outer(col("_ml_labels")))
        .withColumn(
            "label",
            when(l.isNull(), col(Columns.LABEL))
                .when(coalesce(array_contains(set, l), lit(false)), lit(PRESENT))
                .otherwise(lit(ABSENT)))
        .withColumn(
            Columns.STEP,
            when(l.isNull(), col(Columns.STEP)).otherwise(labelStep(col(Columns.STEP), l)))
        .drop("_ml_labels", "_ml_label");
  }

  /**
   * Rows keyed by step without a label (worker_status_intervals) repeated for each label task of a
   * multi-label step, step {@code step[l]}; other rows unchanged.
   */
  public static Dataset<Row> expandSteps(Dataset<Row> rows, Dataset<Row> multi) {
    Column l = col("_ml_label");
    return withLabels(rows, multi)
        .withColumn("_ml_label", explode_outer(col("_ml_labels")))
        .withColumn(
            Columns.STEP,
            when(l.isNull(), col(Columns.STEP)).otherwise(labelStep(col(Columns.STEP), l)))
        .drop("_ml_labels", "_ml_label");
  }

  /**
   * label_schemas rows of multi-label steps become one categorical schema per label (labels absent,
   * present) with the step's thresholds and policy; other rows unchanged.
   */
  public static Dataset<Row> binarizeSchemas(Dataset<Row> schemas) {
    Column multi = col(Columns.LABEL_TYPE).equalTo(LABEL_TYPE);
    Column l = col("_ml_label");
    return schemas
        .withColumn("_ml_label", explode_outer(when(multi, col(Columns.LABELS))))
        .withColumn(
            Columns.STEP,
            when(l.isNull(), col(Columns.STEP)).otherwise(labelStep(col(Columns.STEP), l)))
        .withColumn(
            "labels",
            when(l.isNull(), col(Columns.LABELS)).otherwise(array(lit(ABSENT), lit(PRESENT))))
        .withColumn(
            Columns.LABEL_TYPE,
            when(l.isNull(), col(Columns.LABEL_TYPE)).otherwise(lit("categorical")))
        .drop("_ml_label");
  }

  /**
   * guidelines rows of multi-label steps become one row per label: a version that removed or
   * redefined {@code l} redefines both present and absent of {@code step[l]} (under {@code
   * affected} every earlier answer about {@code l} is superseded), other labels' tasks lose nothing
   * under {@code affected}; {@code all} and {@code none} stay as they are.
   */
  public static Dataset<Row> binarizeGuidelines(Dataset<Row> guidelines, Dataset<Row> multi) {
    Column l = col("_ml_label");
    Column noLabels = array().cast(DataTypes.createArrayType(DataTypes.StringType));
    Column changed =
        array_union(
            coalesce(col(Columns.LABELS_REMOVED), noLabels),
            coalesce(col(Columns.LABELS_REDEFINED), noLabels));
    Dataset<Row> out =
        withLabels(guidelines, multi)
            .withColumn("_ml_label", explode_outer(col("_ml_labels")))
            .withColumn(
                "labels_redefined",
                when(l.isNull(), col(Columns.LABELS_REDEFINED))
                    .when(array_contains(changed, l), array(lit(ABSENT), lit(PRESENT)))
                    .otherwise(noLabels))
            .withColumn(
                "labels_removed", when(l.isNull(), col(Columns.LABELS_REMOVED)).otherwise(noLabels))
            .withColumn(
                Columns.STEP,
                when(l.isNull(), col(Columns.STEP)).otherwise(labelStep(col(Columns.STEP), l)));
    if (List.of(guidelines.columns()).contains("labels_added")) {
      out =
          out.withColumn(
              Columns.LABELS_ADDED,
              when(l.isNull(), col(Columns.LABELS_ADDED)).otherwise(noLabels));
    }
    return out.drop("_ml_labels", "_ml_label");
  }

  /**
   * label_presence: per item and label of a multi-label step, whether the label is present, from
   * the per-label consensus rows: project_id, step, item_id, label, present (null while the label's
   * task has no label), probability_present (the method's posterior of present), confidence,
   * decision, n_annotations, n_agreeing, method, params_hash.
   *
   * @param labels consensus_labels rows, per-label tasks included
   * @param multi {@link #steps}
   */
  public static Dataset<Row> presence(Dataset<Row> labels, Dataset<Row> multi) {
    return labels
        .join(broadcast(tasks(multi)), new String[] {"project_id", "step"})
        .select(
            col(Columns.PROJECT_ID),
            col("_ml_base").as(Columns.STEP),
            col(Columns.ITEM_ID),
            col("_ml_label").as(Columns.LABEL),
            when(col(Columns.LABEL).isNull(), lit(null).cast(DataTypes.BooleanType))
                .otherwise(col(Columns.LABEL).equalTo(PRESENT))
                .as(Columns.PRESENT),
            posteriorPresent().as(Columns.PROBABILITY_PRESENT),
            col(Columns.CONFIDENCE),
            col(Columns.DECISION),
            col(Columns.N_ANNOTATIONS),
            col(Columns.N_AGREEING),
            col(Columns.METHOD),
            col(Columns.PARAMS_HASH));
  }

  /**
   * consensus_labels with the per-label rows of each multi-label step replaced by one row per item:
   * label = the sorted JSON array of the labels decided present (null while any label has none),
   * decision = the least settled of the labels' decisions, confidence = the lowest; candidates per
   * label its posterior of present; crowd_label the set the method alone gives; counts the
   * per-label minimum, annotation, flag and version lists the union; the other columns (the same
   * for every label) their minimum, so a rerun gives the same row. Columns and their order are
   * those of {@code labels}.
   *
   * @param labels consensus_labels rows, per-label tasks included
   * @param multi {@link #steps}
   */
  public static Dataset<Row> combine(Dataset<Row> labels, Dataset<Row> multi) {
    Dataset<Row> tagged =
        labels.join(broadcast(tasks(multi)), new String[] {"project_id", "step"}, "left");
    Dataset<Row> single = tagged.where(col("_ml_base").isNull()).select(columns(labels.columns()));
    Dataset<Row> perLabel = tagged.where(col("_ml_base").isNotNull());
    Column rank = lit(SETTLEDNESS.size());
    for (int r = SETTLEDNESS.size() - 1; r >= 0; r--) {
      List<String> names = new ArrayList<>();
      SETTLEDNESS.get(r).forEach(d -> names.add(d.name()));
      rank = when(col(Columns.DECISION).isin(names.toArray()), lit(r)).otherwise(rank);
    }
    int accepted = 3; // the rank of ACCEPTED and MAJORITY
    List<Column> aggs = new ArrayList<>();
    aggs.add(min(rank).as("_ml_rank"));
    // ACCEPTED and MAJORITY share a rank; one policy per step gives one of them (MAJORITY if both)
    aggs.add(max(when(rank.equalTo(accepted), col(Columns.DECISION))).as("_ml_accepted"));
    aggs.add(sum(when(col(Columns.LABEL).isNull(), 1).otherwise(0)).as("_ml_open"));
    aggs.add(
        array_sort(collect_list(when(col(Columns.LABEL).equalTo(PRESENT), col("_ml_label"))))
            .as("_ml_present"));
    for (String c : labels.columns()) {
      switch (c) {
        case "project_id", "step", "item_id", "label", "decision" -> {}
        case "annotation_ids",
            "excluded_annotation_ids",
            "superseded_annotation_ids",
            "guideline_versions",
            "flagged_annotations" ->
            aggs.add(array_sort(array_distinct(flatten(collect_list(col(c))))).as(c));
        case "candidates" ->
            // per label: the posterior that it is present
            aggs.add(
                array_sort(
                        collect_list(
                            when(
                                posteriorPresent().isNotNull(),
                                struct(
                                    col("_ml_label").as(Columns.LABEL),
                                    posteriorPresent().as("posterior")))))
                    .as(c));
        case "crowd_label" ->
            aggs.add(
                when(
                        sum(when(col(c).isNull(), 1).otherwise(0)).gt(0),
                        lit(null).cast(DataTypes.StringType))
                    .otherwise(
                        to_json(
                            array_sort(
                                collect_list(when(col(c).equalTo(PRESENT), col("_ml_label"))))))
                    .as(c));
        case "adjudication_disagrees", "guideline_version" -> aggs.add(max(col(c)).as(c));
        // confidences and counts: the weakest label's; the rest is the same for every label
        default -> aggs.add(min(col(c)).as(c));
      }
    }
    Dataset<Row> grouped =
        perLabel
            .groupBy(
                col(Columns.PROJECT_ID), col("_ml_base").as(Columns.STEP), col(Columns.ITEM_ID))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    Column decision = lit(null).cast(DataTypes.StringType);
    for (int r = SETTLEDNESS.size() - 1; r >= 0; r--) {
      Column name = r == accepted ? col("_ml_accepted") : lit(SETTLEDNESS.get(r).get(0).name());
      decision = when(col("_ml_rank").equalTo(r), name).otherwise(decision);
    }
    Dataset<Row> combined =
        grouped
            .withColumn(
                "label",
                when(col("_ml_open").gt(0), lit(null).cast(DataTypes.StringType))
                    .otherwise(to_json(col("_ml_present"))))
            .withColumn(Columns.DECISION, decision);
    return single.unionByName(combined.select(columns(labels.columns())));
  }

  /**
   * consensus_labels as per-label tasks, for comparing answers label by label: project_id, step,
   * item_id, label, decision, where each multi-label step's rows are replaced by its label_presence
   * rows as step {@code step[l]}, label present / absent (null while undecided), the label's own
   * decision; other steps' rows unchanged. Without label_presence a multi-label step has no rows.
   *
   * @param labels consensus_labels
   * @param presence label_presence, or null
   * @param multi {@link #steps}
   */
  public static Dataset<Row> perLabel(
      Dataset<Row> labels, Dataset<Row> presence, Dataset<Row> multi) {
    Column[] keep = {
      col(Columns.PROJECT_ID),
      col(Columns.STEP),
      col(Columns.ITEM_ID),
      col(Columns.LABEL),
      col(Columns.DECISION)
    };
    Dataset<Row> single =
        labels
            .join(
                broadcast(multi.select(col(Columns.PROJECT_ID), col(Columns.STEP))),
                new String[] {"project_id", "step"},
                "left_anti")
            .select(keep);
    if (presence == null) {
      return single;
    }
    return single.unionByName(
        presence
            .join(
                broadcast(multi.select(col(Columns.PROJECT_ID), col(Columns.STEP))),
                new String[] {"project_id", "step"},
                "left_semi")
            .select(
                col(Columns.PROJECT_ID),
                labelStep(col(Columns.STEP), col(Columns.LABEL)).as(Columns.STEP),
                col(Columns.ITEM_ID),
                when(col(Columns.PRESENT), lit(PRESENT))
                    .when(col(Columns.PRESENT).equalTo(false), lit(ABSENT))
                    .as(Columns.LABEL),
                col(Columns.DECISION)));
  }

  /** The method's posterior that the row's label is present (null without candidates). */
  private static Column posteriorPresent() {
    return aggregate(
        filter(col(Columns.CANDIDATES), c -> c.getField("label").equalTo(PRESENT)),
        lit(null).cast(DataTypes.DoubleType),
        (acc, c) -> c.getField("posterior"));
  }

  /** (project_id, step = {@code step[l]}, _ml_base = step, _ml_label = l) per label task. */
  private static Dataset<Row> tasks(Dataset<Row> multi) {
    Dataset<Row> exploded =
        multi.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP).as("_ml_base"),
            org.apache.spark.sql.functions.explode(col(Columns.LABELS)).as("_ml_label"));
    return exploded.withColumn(Columns.STEP, labelStep(col("_ml_base"), col("_ml_label")));
  }

  private static Dataset<Row> withLabels(Dataset<Row> rows, Dataset<Row> multi) {
    Dataset<Row> m =
        multi.select(
            col(Columns.PROJECT_ID).as("_ml_project"),
            col(Columns.STEP).as("_ml_step"),
            col(Columns.LABELS).as("_ml_labels"));
    return rows.join(
            broadcast(m),
            col(Columns.PROJECT_ID)
                .equalTo(col("_ml_project"))
                .and(col(Columns.STEP).equalTo(col("_ml_step"))),
            "left")
        .drop("_ml_project", "_ml_step");
  }

  private static Column[] columns(String[] names) {
    Column[] out = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col("`" + names[i] + "`");
    }
    return out;
  }
}
