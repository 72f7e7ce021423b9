package io.annolake.common.simulate;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A verification step on top of the simulated operation, making the first project a three-step
 * pipeline ({@code category -> occlusion -> verification(occlusion)}): one reviewer per item looks
 * at the label the crowd's answers of the verified step point to (their plurality) and answers
 * {@code yes} when it is the true label, {@code no} otherwise, right with probability {@link
 * #REVIEWER_ACCURACY}. Deterministic by seed like {@link CrowdSimulator}; the verified step's
 * answers are regenerated from their own random streams (with the same {@code includeMalformed} as
 * the annotations), not read back.
 */
public final class VerificationSimulator {
  /** The verification step's name. */
  public static final String STEP = "verification";

  /** Probability that a reviewer's yes/no is right. */
  public static final double REVIEWER_ACCURACY = 0.95;

  /** Reviewers (ids {@code reviewer-01} ...), drawn uniformly per item. */
  public static final int REVIEWERS = 5;

  public static final String YES = "yes";
  public static final String NO = "no";

  private static final long SALT = 0x5E71F1L;
  private static final long ID_SALT = 0x5E71F2L;

  /**
   * The hidden truth per verified item: the label shown to the reviewer (the plurality of the
   * verified step's good answers), the item's true label in that step, whether the reviewer should
   * accept, and what the reviewer answered.
   */
  public static final StructType TRUTH =
      new StructType()
          .add("project_id", StringType)
          .add("item_id", StringType)
          .add("verified_step", StringType)
          .add("shown_label", StringType)
          .add("true_label", StringType)
          .add("should_accept", BooleanType)
          .add("answer", StringType);

  private VerificationSimulator() {}

  /** The project with the pipeline (the first one). */
  public static String project() {
    return CrowdSimulator.projectId(0);
  }

  /** The step the verification checks: the first project's last step. */
  public static String verifiedStep(SimulatorSettings s) {
    return CrowdSimulator.stepName(s.steps() - 1);
  }

  /** The pipeline as annolake.compose.pipelines takes it (HOCON). */
  public static String pipelineConf(SimulatorSettings s) {
    List<String> steps = new ArrayList<>();
    for (int st = 0; st < s.steps(); st++) {
      steps.add("\"" + CrowdSimulator.stepName(st) + "\"");
    }
    steps.add("\"" + STEP + "\"");
    return "annolake.compose.pipelines.\""
        + project()
        + "\" { steps = "
        + steps
        + ", verifies { \""
        + STEP
        + "\" = \""
        + verifiedStep(s)
        + "\" } }";
  }

  /**
   * One row per verified item: the verification answer as an annotation record ({@link
   * CrowdSimulator#ANNOTATIONS} columns) followed by the {@link #TRUTH} columns prefixed {@code
   * truth_}.
   */
  public static Dataset<Row> answers(
      SparkSession spark,
      SimulatorSettings s,
      WorkerPool pool,
      boolean includeMalformed,
      int partitions) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<WorkerPool> crowd = sc.broadcast(pool);
    Broadcast<AnomalyPlan> plan = sc.broadcast(AnomalyPlan.create(pool, s));
    StructType schema = CrowdSimulator.ANNOTATIONS;
    for (var f : TRUTH.fields()) {
      schema = schema.add("truth_" + f.name(), f.dataType());
    }
    return spark
        .range(0, s.units(), 1, partitions)
        .flatMap(
            (org.apache.spark.api.java.function.FlatMapFunction<Long, Row>)
                u -> row(s, crowd.value(), plan.value(), u, includeMalformed).iterator(),
            Encoders.row(schema));
  }

  /** Positions in a simulated answer ({@link CrowdSimulator#ANNOTATIONS}), by name. */
  private static final int LABEL = CrowdSimulator.ANNOTATIONS.fieldIndex("label");

  private static final int SUBMITTED_AT = CrowdSimulator.ANNOTATIONS.fieldIndex("submitted_at");
  private static final int BAD_KIND = CrowdSimulator.ANNOTATIONS.fieldIndex("bad_kind");

  private static List<Row> row(
      SimulatorSettings s, WorkerPool pool, AnomalyPlan plan, long u, boolean includeMalformed) {
    CrowdSimulator.Unit unit = CrowdSimulator.Unit.of(s, u);
    if (unit.project() != 0 || unit.step() != s.steps() - 1) {
      return List.of();
    }
    List<String> labels = CrowdSimulator.labels(unit.step(), s.classes());
    int[] votes = new int[labels.size()];
    long last = 0;
    for (Row answer : CrowdSimulator.answers(s, pool, plan, u, includeMalformed)) {
      // the records ingestion keeps: not bad on purpose
      if (answer.isNullAt(BAD_KIND)
          && !answer.isNullAt(LABEL)
          && labels.contains(answer.getString(LABEL))) {
        votes[labels.indexOf(answer.getString(LABEL))]++;
        last = Math.max(last, ((Timestamp) answer.get(SUBMITTED_AT)).getTime());
      }
    }
    if (last == 0) {
      return List.of();
    }
    int shown = 0;
    for (int k = 1; k < votes.length; k++) {
      shown = votes[k] > votes[shown] ? k : shown;
    }
    SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), SALT, u));
    boolean shouldAccept = shown == unit.truth();
    boolean right = rng.nextDouble() < REVIEWER_ACCURACY;
    String answer = shouldAccept == right ? YES : NO;
    String reviewer = String.format("reviewer-%02d", 1 + rng.nextInt(REVIEWERS));
    long duration = Math.max(1_000, (long) (8_000 * Math.exp(0.4 * rng.nextGaussian())));
    long submitted = last + 600_000 + rng.nextInt(3_000_000);
    long mid =
        s.startDate().atStartOfDay().toInstant(java.time.ZoneOffset.UTC).toEpochMilli()
            + s.days() * 86_400_000L / 2;
    return List.of(
        RowFactory.create(
            "a" + Long.toHexString(Rng.mix(s.seed(), ID_SALT, u)),
            project(),
            unit.itemId(),
            STEP,
            reviewer,
            "crowd",
            answer,
            submitted < mid ? "v1" : "v2",
            new Timestamp(submitted - duration),
            new Timestamp(submitted),
            duration,
            null,
            null,
            new java.math.BigDecimal("0.0400"),
            1,
            null,
            shouldAccept ? YES : NO,
            null,
            project(),
            unit.itemId(),
            verifiedStep(s),
            labels.get(shown),
            labels.get(unit.truth()),
            shouldAccept,
            answer));
  }
}
