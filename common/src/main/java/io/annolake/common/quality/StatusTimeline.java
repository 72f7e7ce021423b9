package io.annolake.common.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;

import io.annolake.common.schema.Columns;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Status over time per worker, project and step: each worker's gold answers and reinstatements
 * replayed in time order ({@link StatusReplay}) on the executors, one group per worker. Output is
 * one row per status span; the spans give the intervals table, the events and the current status.
 */
public final class StatusTimeline {
  /** The start of the first span: a worker is INSUFFICIENT_EVIDENCE until the first change. */
  public static final Timestamp BEGINNING = Timestamp.from(Instant.EPOCH);

  public static final StructType SPANS =
      new StructType()
          .add("project_id", DataTypes.StringType, false)
          .add("step", DataTypes.StringType, false)
          .add("worker_id", DataTypes.StringType, false)
          .add("span_index", DataTypes.IntegerType, false)
          .add("status", DataTypes.StringType, false)
          .add("from_status", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, false)
          .add("valid_from", DataTypes.TimestampType, false)
          .add("valid_to", DataTypes.TimestampType, true)
          .add("threshold", DataTypes.DoubleType, false)
          .add("evidence_answers", DataTypes.LongType, true)
          .add("evidence_correct", DataTypes.LongType, true)
          .add("evidence_ci_low", DataTypes.DoubleType, true)
          .add("evidence_ci_high", DataTypes.DoubleType, true)
          .add("is_current", DataTypes.BooleanType, false)
          .add("window_answers", DataTypes.LongType, true)
          .add("window_correct", DataTypes.LongType, true)
          .add("window_ci_low", DataTypes.DoubleType, true)
          .add("window_ci_high", DataTypes.DoubleType, true)
          .add("latest_reason", DataTypes.StringType, true)
          .add("retraining_streak", DataTypes.LongType, true);

  private StatusTimeline() {}

  /**
   * @param goldAnswers from {@link GoldAnswers#of}
   * @param reinstatements project_id, step, worker_id, reinstated_at; or null
   */
  public static Dataset<Row> spans(
      Dataset<Row> goldAnswers, Dataset<Row> reinstatements, QualitySettings settings) {
    Dataset<Row> inputs =
        goldAnswers.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.WORKER_ID),
            col(Columns.SUBMITTED_AT).as("at"),
            lit(0).as("kind"),
            col("correct"),
            col(Columns.ANNOTATION_ID).as("tiebreak"));
    if (reinstatements != null) {
      inputs =
          inputs.unionByName(
              reinstatements.select(
                  col(Columns.PROJECT_ID),
                  col(Columns.STEP),
                  col(Columns.WORKER_ID),
                  col(Columns.REINSTATED_AT).as("at"),
                  lit(1).as("kind"),
                  lit(null).cast("boolean").as("correct"),
                  lit("").as("tiebreak")));
    }
    return inputs
        .groupByKey(
            (MapFunction<Row, String>)
                r ->
                    r.getAs(Columns.PROJECT_ID)
                        + "\u0001"
                        + r.getAs(Columns.STEP)
                        + "\u0001"
                        + r.getAs(Columns.WORKER_ID),
            Encoders.STRING())
        .flatMapGroups(
            (FlatMapGroupsFunction<String, Row, Row>)
                (key, rows) -> replay(key, rows, settings).iterator(),
            Encoders.row(SPANS));
  }

  private record Input(Instant at, int kind, Boolean correct, String tiebreak) {}

  /** Positions of the replay's input columns (project_id, step, worker_id, then these). */
  private static final int AT = 3;

  private static final int KIND = 4;
  private static final int CORRECT = 5;
  private static final int TIEBREAK = 6;

  /** One worker's replay; also what the tests call without Spark. */
  static List<Row> replay(String key, java.util.Iterator<Row> rows, QualitySettings settings) {
    String[] id = key.split("\u0001", -1);
    List<Input> inputs = new ArrayList<>();
    rows.forEachRemaining(
        r ->
            inputs.add(
                new Input(
                    instant(r.get(AT)),
                    r.getInt(KIND),
                    r.isNullAt(CORRECT) ? null : r.getBoolean(CORRECT),
                    r.getString(TIEBREAK))));
    // Time order; at the same instant answers before reinstatements; then a stable tiebreak.
    inputs.sort(
        Comparator.comparing(Input::at)
            .thenComparingInt(Input::kind)
            .thenComparing(Input::tiebreak));
    StatusPolicy policy = settings.policyFor(id[0], id[1]);
    StatusReplay replay = new StatusReplay(policy, settings.windowSize());
    for (Input in : inputs) {
      if (in.kind() == 0) {
        replay.gold(in.at(), in.correct());
      } else {
        replay.reinstate(in.at());
      }
    }
    List<StatusReplay.Change> changes = replay.changes();
    List<Row> out = new ArrayList<>();
    for (int i = 0; i <= changes.size(); i++) {
      StatusReplay.Change c = i == 0 ? null : changes.get(i - 1);
      boolean current = i == changes.size();
      Timestamp to = current ? null : Timestamp.from(changes.get(i).at());
      Evidence window = replay.window();
      out.add(
          RowFactory.create(
              id[0],
              id[1],
              id[2],
              i,
              c == null ? WorkerStatus.INSUFFICIENT_EVIDENCE.name() : c.to().name(),
              c == null ? null : c.from().name(),
              c == null ? "no gold answers yet" : c.reason(),
              c == null ? BEGINNING : Timestamp.from(c.at()),
              to,
              policy.threshold(),
              c == null ? null : c.evidence().answers(),
              c == null ? null : c.evidence().correct(),
              c == null ? null : finite(c.evidence().ciLow()),
              c == null ? null : finite(c.evidence().ciHigh()),
              current,
              current ? window.answers() : null,
              current ? window.correct() : null,
              current ? finite(window.ciLow()) : null,
              current ? finite(window.ciHigh()) : null,
              current ? replay.reason() : null,
              current ? replay.streak() : null));
    }
    return out;
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static Instant instant(Object v) {
    return v instanceof Instant i ? i : ((Timestamp) v).toInstant();
  }

  /**
   * worker_status_intervals: status valid in [valid_from, valid_to); valid_to null = still valid.
   */
  public static Dataset<Row> intervals(Dataset<Row> spans) {
    return spans.select(
        "project_id", "step", "worker_id", "status", "valid_from", "valid_to", "reason");
  }

  /**
   * Each annotation with {@code worker_status}: its worker's status on that project and step at
   * {@code submitted_at} (INSUFFICIENT_EVIDENCE without gold answers). Consensus uses it to leave
   * out work done while PAUSED.
   */
  public static Dataset<Row> statusAt(Dataset<Row> annotations, Dataset<Row> intervals) {
    Dataset<Row> i =
        intervals.select(
            col(Columns.PROJECT_ID).as("i_project"),
            col(Columns.STEP).as("i_step"),
            col(Columns.WORKER_ID).as("i_worker"),
            col(Columns.STATUS).as("worker_status"),
            col(Columns.VALID_FROM),
            col(Columns.VALID_TO));
    return annotations
        .join(
            i,
            col(Columns.PROJECT_ID)
                .equalTo(col("i_project"))
                .and(col(Columns.STEP).equalTo(col("i_step")))
                .and(col(Columns.WORKER_ID).equalTo(col("i_worker")))
                .and(col(Columns.SUBMITTED_AT).geq(col(Columns.VALID_FROM)))
                .and(
                    col(Columns.VALID_TO)
                        .isNull()
                        .or(col(Columns.SUBMITTED_AT).lt(col(Columns.VALID_TO)))),
            "left")
        .withColumn(
            "worker_status",
            org.apache.spark.sql.functions.coalesce(
                col("worker_status"), lit(WorkerStatus.INSUFFICIENT_EVIDENCE.name())))
        .drop("i_project", "i_step", "i_worker", Columns.VALID_FROM, Columns.VALID_TO);
  }

  /**
   * worker_status_events: one row per status change. The event_id hashes the worker, the span's
   * position, the transition and its instant: a rerun yields the same ids, so a MERGE on it never
   * duplicates an event.
   */
  public static Dataset<Row> events(Dataset<Row> spans) {
    return spans
        .where(col("span_index").gt(0))
        .select(
            sha2(
                    concat_ws(
                        "|",
                        col(Columns.PROJECT_ID),
                        col(Columns.STEP),
                        col(Columns.WORKER_ID),
                        col("span_index").cast("string"),
                        col(Columns.FROM_STATUS),
                        col(Columns.STATUS),
                        col(Columns.VALID_FROM).cast("string")),
                    256)
                .as(Columns.EVENT_ID),
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.WORKER_ID),
            col(Columns.FROM_STATUS),
            col(Columns.STATUS).as(Columns.TO_STATUS),
            col(Columns.REASON),
            col(Columns.VALID_FROM).as(Columns.EVENT_AT),
            col(Columns.THRESHOLD),
            col(Columns.EVIDENCE_ANSWERS),
            col(Columns.EVIDENCE_CORRECT),
            col(Columns.EVIDENCE_CI_LOW),
            col(Columns.EVIDENCE_CI_HIGH));
  }
}
