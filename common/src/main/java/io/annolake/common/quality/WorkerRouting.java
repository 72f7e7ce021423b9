package io.annolake.common.quality;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_values;
import static org.apache.spark.sql.functions.row_number;

import io.annolake.common.anomaly.EntityType;
import io.annolake.common.anomaly.Severity;
import io.annolake.common.schema.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * worker_routing: per project, step and class, the active workers ranked by demonstrated strength
 * on that class. The score is the worker's gold accuracy on items of the class, shrunk toward the
 * fitted model's recall for the class (worker_skills' confusion diagonal) as if that recall were
 * {@link #PRIOR_WEIGHT} gold answers: (gold correct + w x fitted) / (gold answers + w). Without a
 * fitted recall (vote methods) the prior is 0.5; without gold the fitted recall alone ranks. Paused
 * workers and workers with a HIGH flag (a worker flag, or either side of a pair flag) are left out.
 */
public final class WorkerRouting {
  private WorkerRouting() {}

  /** Gold answers the fitted recall counts as. */
  public static final double PRIOR_WEIGHT = 5.0;

  /**
   * @param quality worker_quality (project_id, step, worker_id, status, confusion: gold label ->
   *     answered label -> count)
   * @param skills worker_skills (project_id, step, worker_id, true_label, given_label, probability)
   * @param flags anomaly_flags, or null
   */
  public static Dataset<Row> rank(Dataset<Row> quality, Dataset<Row> skills, Dataset<Row> flags) {
    Dataset<Row> gold =
        quality
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.WORKER_ID),
                col(Columns.STATUS),
                explode(col(Columns.CONFUSION)).as(new String[] {"label", "answered"}))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.WORKER_ID),
                col(Columns.STATUS),
                col(Columns.LABEL),
                aggregate(map_values(col("answered")), lit(0L), (acc, x) -> acc.plus(x))
                    .as(Columns.GOLD_ANSWERS),
                coalesce(element_at(col("answered"), col(Columns.LABEL)), lit(0L))
                    .as(Columns.GOLD_CORRECT));
    Dataset<Row> fitted =
        skills
            .where(
                col(Columns.TRUE_LABEL)
                    .isNotNull()
                    .and(col(Columns.TRUE_LABEL).equalTo(col(Columns.GIVEN_LABEL))))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.WORKER_ID),
                col(Columns.TRUE_LABEL).as(Columns.LABEL),
                col(Columns.PROBABILITY).as(Columns.FITTED_RECALL));
    Dataset<Row> statuses =
        quality.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.WORKER_ID),
            col(Columns.STATUS).as("known_status"));
    Dataset<Row> both =
        gold.drop(Columns.STATUS)
            .join(fitted, new String[] {"project_id", "step", "worker_id", "label"}, "full_outer")
            .join(statuses, new String[] {"project_id", "step", "worker_id"}, "left")
            .where(coalesce(col("known_status"), lit("")).notEqual(WorkerStatus.PAUSED.name()));
    if (flags != null) {
      both =
          both.join(
              highFlagged(flags), new String[] {"project_id", "step", "worker_id"}, "left_anti");
    }
    Column goldAnswers = coalesce(col(Columns.GOLD_ANSWERS), lit(0L));
    Column goldCorrect = coalesce(col(Columns.GOLD_CORRECT), lit(0L));
    Column prior = coalesce(col(Columns.FITTED_RECALL), lit(0.5));
    Column score =
        goldCorrect.plus(prior.multiply(PRIOR_WEIGHT)).divide(goldAnswers.plus(PRIOR_WEIGHT));
    return both.withColumn(Columns.SCORE, score)
        .withColumn(
            "rank",
            row_number()
                .over(
                    Window.partitionBy(Columns.PROJECT_ID, Columns.STEP, Columns.LABEL)
                        .orderBy(
                            col(Columns.SCORE).desc(), goldAnswers.desc(), col(Columns.WORKER_ID))))
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.LABEL),
            col(Columns.RANK),
            col(Columns.WORKER_ID),
            col(Columns.SCORE),
            goldAnswers.as(Columns.GOLD_ANSWERS),
            goldCorrect.as(Columns.GOLD_CORRECT),
            col(Columns.FITTED_RECALL));
  }

  /** Workers of a step with a HIGH worker flag, or on either side of a HIGH pair flag. */
  private static Dataset<Row> highFlagged(Dataset<Row> flags) {
    Dataset<Row> high = flags.where(col(Columns.SEVERITY).equalTo(Severity.HIGH.name()));
    Dataset<Row> workers =
        high.where(col(Columns.ENTITY_TYPE).equalTo(EntityType.WORKER.value()))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ENTITY_ID).as(Columns.WORKER_ID));
    Dataset<Row> pairs =
        high.where(col(Columns.ENTITY_TYPE).equalTo(EntityType.WORKER_PAIR.value()));
    return workers
        .unionByName(
            pairs.select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                org.apache
                    .spark
                    .sql
                    .functions
                    .get_json_object(col(Columns.EVIDENCE), "$.worker_a")
                    .as(Columns.WORKER_ID)))
        .unionByName(
            pairs.select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                org.apache
                    .spark
                    .sql
                    .functions
                    .get_json_object(col(Columns.EVIDENCE), "$.worker_b")
                    .as(Columns.WORKER_ID)))
        .distinct();
  }
}
