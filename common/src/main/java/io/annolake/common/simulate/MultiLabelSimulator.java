package io.annolake.common.simulate;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A multi-label step on top of the simulated operation: on half of the last project's items, step
 * {@link #STEP} asks which of {@link #LABELS} apply (any number, none included). Each item has a
 * hidden true set, every label present independently with its own prior ({@link #PRIORS}); each
 * worker of the same crowd ({@link WorkerPool}) answers a set, label by label, as the worker's
 * archetype answers: honest workers miss a present label with probability 1 - their accuracy and
 * add an absent one with a third of that (a reliable worker rarely does either), spammers and
 * too-fast workers tick each label at random, constant workers give (97% of the time) one fixed
 * set, adversarial workers get each label wrong 80% of the time. Answers are JSON arrays in the
 * label order (docs/INGEST.md, "Multi-label answers"). No gold, adjudications, pre-labels, bad
 * records or injected anomalies on this step.
 *
 * <p>Deterministic by seed like {@link CrowdSimulator}, from random streams of its own: the other
 * steps' records stay exactly what they were.
 */
public final class MultiLabelSimulator {
  /** The multi-label step's name. */
  public static final String STEP = "tags";

  /** The labels the step allows (sorted, so a set in this order is also the sorted set). */
  public static final List<String> LABELS = List.of("damaged", "glare", "night", "rain");

  /** Per label of {@link #LABELS}, the probability that it is present on an item. */
  static final double[] PRIORS = {0.10, 0.15, 0.35, 0.20};

  /** Share of the last project's items that get the step. */
  static final double TAGGED_SHARE = 0.5;

  /** An honest worker adds an absent label at this fraction of the rate at which it misses one. */
  static final double ADD_PER_MISS = 1.0 / 3;

  /** The rate at which an adversarial worker gets a label wrong. */
  static final double ADVERSARIAL_ERROR = 0.8;

  private static final long SALT = 0x7A65L;
  private static final long ID_SALT = 0x7A66L;
  private static final BigDecimal CROWD_COST = new BigDecimal("0.0400");
  private static final BigDecimal EXPERT_COST = new BigDecimal("0.4000");

  private MultiLabelSimulator() {}

  /** The project with the step: the last one (the first has the verification pipeline). */
  public static String project(SimulatorSettings s) {
    return CrowdSimulator.projectId(s.projects() - 1);
  }

  /**
   * The step's answers as annotation records ({@link CrowdSimulator#ANNOTATIONS}; {@code
   * true_label} the item's true set).
   */
  public static Dataset<Row> annotations(
      SparkSession spark, SimulatorSettings s, WorkerPool pool, int partitions) {
    Broadcast<WorkerPool> crowd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(pool);
    return spark
        .range(0, s.units(), 1, partitions)
        .flatMap(
            (org.apache.spark.api.java.function.FlatMapFunction<Long, Row>)
                u -> answers(s, crowd.value(), u).iterator(),
            Encoders.row(CrowdSimulator.ANNOTATIONS));
  }

  /**
   * The hidden truth per item of the step, in {@link CrowdSimulator#ITEMS} columns: {@code
   * true_label} (and {@code true_label_v1}, the guideline does not change it) is the true set.
   */
  public static Dataset<Row> items(SparkSession spark, SimulatorSettings s, int partitions) {
    return spark
        .range(0, s.units(), 1, partitions)
        .flatMap(
            (org.apache.spark.api.java.function.FlatMapFunction<Long, Row>)
                u -> itemRow(s, u).iterator(),
            Encoders.row(CrowdSimulator.ITEMS));
  }

  /** A set as a JSON array in {@link #LABELS} order, e.g. {@code ["glare","night"]}. */
  public static String json(boolean[] present) {
    StringJoiner out = new StringJoiner(",", "[", "]");
    for (int l = 0; l < present.length; l++) {
      if (present[l]) {
        out.add("\"" + LABELS.get(l) + "\"");
      }
    }
    return out.toString();
  }

  /** The step's item at unit {@code u} (the last project's first step), or null if none. */
  static CrowdSimulator.Unit tagged(SimulatorSettings s, long u) {
    CrowdSimulator.Unit unit = CrowdSimulator.Unit.of(s, u);
    if (unit.project() != s.projects() - 1 || unit.step() != 0) {
      return null;
    }
    SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), SALT, u));
    return rng.nextDouble() < TAGGED_SHARE ? unit : null;
  }

  /** The true set of a tagged unit: the first draws of the unit's stream after the share's. */
  private static boolean[] truth(SplittableRandom rng) {
    boolean[] present = new boolean[LABELS.size()];
    for (int l = 0; l < present.length; l++) {
      present[l] = rng.nextDouble() < PRIORS[l];
    }
    return present;
  }

  private static List<Row> itemRow(SimulatorSettings s, long u) {
    CrowdSimulator.Unit unit = tagged(s, u);
    if (unit == null) {
      return List.of();
    }
    SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), SALT, u));
    rng.nextDouble(); // the share's draw
    String truth = json(truth(rng));
    return List.of(
        RowFactory.create(
            project(s),
            STEP,
            unit.itemId(),
            truth,
            truth,
            false,
            false,
            null,
            null,
            unit.redundancy(),
            null,
            null));
  }

  static List<Row> answers(SimulatorSettings s, WorkerPool pool, long u) {
    CrowdSimulator.Unit unit = tagged(s, u);
    if (unit == null) {
      return List.of();
    }
    SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), SALT, u));
    rng.nextDouble(); // the share's draw
    boolean[] truth = truth(rng);
    String trueSet = json(truth);
    long startMs = s.startDate().atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    long spanMs = s.days() * 86_400_000L;
    int[] chosen = CrowdSimulator.crowd(unit, pool, rng);
    List<Row> rows = new ArrayList<>(chosen.length);
    for (int j = 0; j < chosen.length; j++) {
      int w = chosen[j];
      WorkerArchetype kind = pool.archetype(w);
      long submittedMs = startMs + (long) (rng.nextDouble() * spanMs);
      boolean[] answer = answer(pool, w, truth, rng);
      long duration =
          Math.max(200, (long) (kind.medianDurationMs() * Math.exp(0.5 * rng.nextGaussian())));
      rows.add(
          RowFactory.create(
              "a" + Long.toHexString(Rng.mix(s.seed(), ID_SALT, u * 64 + j)),
              project(s),
              unit.itemId(),
              STEP,
              pool.id(w),
              kind == WorkerArchetype.EXPERT ? "expert" : "crowd",
              json(answer),
              submittedMs < startMs + spanMs / 2 ? "v1" : "v2",
              new Timestamp(submittedMs - duration),
              new Timestamp(submittedMs),
              duration,
              null,
              null,
              kind == WorkerArchetype.EXPERT ? EXPERT_COST : CROWD_COST,
              1,
              null,
              trueSet,
              null));
    }
    return rows;
  }

  /** A worker's set for a true set, label by label, as the worker's archetype answers. */
  static boolean[] answer(WorkerPool pool, int w, boolean[] truth, SplittableRandom rng) {
    boolean[] out = new boolean[truth.length];
    WorkerArchetype kind = pool.archetype(w);
    double miss = 1 - pool.accuracy(w);
    boolean constant = rng.nextDouble() < 0.97;
    for (int l = 0; l < truth.length; l++) {
      double u = rng.nextDouble();
      out[l] =
          switch (kind) {
            case SPAMMER, TOO_FAST -> u < 0.5;
            // one fixed set: the worker's constant class picks its label
            case CONSTANT -> constant ? l == pool.constantLabel[w] % truth.length : u < 0.5;
            case ADVERSARIAL -> u < ADVERSARIAL_ERROR != truth[l];
            default -> truth[l] ? u >= miss : u < miss * ADD_PER_MISS;
          };
    }
    return out;
  }
}
