package io.annolake.common.simulate;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.annolake.common.schema.ReasonCode;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A realistic labeling operation, generated in Spark (one task per slice of items, nothing per
 * annotation on the driver) and deterministic by seed: every item and answer draws from its own
 * random stream keyed by (seed, index).
 *
 * <p>Projects are decomposed into steps (the same data item is labeled in each step); classes have
 * skewed priors (p_k proportional to 1/(k+1)); workers answer through their own confusion matrix
 * ({@link WorkerPool}); ~5% of items are gold; experts adjudicate some items; a model pre-label is
 * shown on some items; the guideline changes from v1 to v2 half way, and for 2% of gold items the
 * v1 guideline gave a different answer. Bad records are injected on purpose, each marked with the
 * reason code ingestion must give it ({@code bad_kind}).
 */
public final class CrowdSimulator {
  private static final long UNIT_SALT = 0x0417L;
  private static final long ANSWER_SALT = 0xA115L;
  private static final long ID_SALT = 0x1D5EL;
  private static final long INJECT_SALT = 0x1A7EL;
  private static final long DUPLICATE_ID_SALT = 0xD0B1L;
  private static final long FEATURE_SALT = 0xFEA7L;
  private static final long QUESTION_SALT = 0x0A5CL;

  /**
   * Share of adjudicated items an annotator asked about first (all of those whose truth is the
   * label the v2 guideline redefines).
   */
  static final double QUESTION_SHARE_ADJUDICATED = 0.4;

  /** Share of other (not gold, not adjudicated) items an annotator asks about: left open. */
  static final double QUESTION_SHARE_OPEN = 0.01;

  private static final String[] QUESTION_TEMPLATES = {
    "Is this '%s' or '%s'? The guideline does not cover this case.",
    "Mostly hidden: does '%s' still apply, or '%s'?",
    "Two objects overlap here; '%s' for one and '%s' for the other?"
  };
  private static final int ANOMALY = 17;
  private static final String[][] VOCABULARY = {
    {"car", "truck", "bus", "motorcycle", "bicycle", "pedestrian", "van", "train", "boat", "other"},
    {"none", "low", "partial", "heavy", "full", "unknown", "mixed", "edge", "blurred", "other"},
  };
  private static final String[] STEP_NAMES = {"category", "occlusion"};
  private static final BigDecimal CROWD_COST = new BigDecimal("0.0400");
  private static final BigDecimal EXPERT_COST = new BigDecimal("0.4000");
  private static final Timestamp FAR_FUTURE = Timestamp.from(Instant.parse("2099-01-01T00:00:00Z"));

  /** Bad kinds, named by the reason code ingestion must give them. */
  static final ReasonCode[] BAD_KINDS = {
    ReasonCode.UNKNOWN_LABEL,
    ReasonCode.MISSING_REQUIRED_FIELD,
    ReasonCode.IMPOSSIBLE_TIMESTAMP,
    ReasonCode.DUPLICATE_RECORD,
    ReasonCode.SUPERSEDED_REVISION,
    ReasonCode.MALFORMED_RECORD
  };

  /**
   * Annotation records: the canonical contract plus hidden truth: {@code bad_kind} (the reason
   * ingestion must reject it with), {@code true_label}, and {@code anomaly} (the flag code an
   * injected annotation-level anomaly must get; see {@link AnomalyPlan}).
   */
  public static final StructType ANNOTATIONS =
      new StructType()
          .add("annotation_id", StringType)
          .add("project_id", StringType)
          .add("item_id", StringType)
          .add("step", StringType)
          .add("worker_id", StringType)
          .add("worker_type", StringType)
          .add("label", StringType)
          .add("guideline_version", StringType)
          .add("started_at", TimestampType)
          .add("submitted_at", TimestampType)
          .add("duration_ms", LongType)
          .add("prelabel", StringType)
          .add("prelabel_model", StringType)
          .add("cost", DataTypes.createDecimalType(12, 4))
          .add("revision", IntegerType)
          .add("bad_kind", StringType)
          .add("true_label", StringType)
          .add("anomaly", StringType);

  /** The hidden truth per (item, step). */
  public static final StructType ITEMS =
      new StructType()
          .add("project_id", StringType)
          .add("step", StringType)
          .add("item_id", StringType)
          .add("true_label", StringType)
          .add("true_label_v1", StringType)
          .add("is_gold", BooleanType)
          .add("adjudicated", BooleanType)
          .add("adjudicated_label", StringType)
          .add("prelabel", StringType)
          .add("redundancy", IntegerType)
          .add("question_raised_at", TimestampType)
          .add("adjudicated_at", TimestampType);

  /** Annotators' questions (landing records of kind flag). */
  public static final StructType QUESTIONS =
      new StructType()
          .add("project_id", StringType)
          .add("step", StringType)
          .add("item_id", StringType)
          .add("worker_id", StringType)
          .add("question_text", StringType)
          .add("raised_at", TimestampType);

  /**
   * Observable numeric features per (item, step) that depend on its true class (for training
   * demos).
   */
  public static final StructType ITEM_FEATURES =
      new StructType()
          .add("project_id", StringType)
          .add("step", StringType)
          .add("item_id", StringType)
          .add("f1", DataTypes.DoubleType)
          .add("f2", DataTypes.DoubleType)
          .add("f3", DataTypes.DoubleType)
          .add("f4", DataTypes.DoubleType);

  private CrowdSimulator() {}

  public static String projectId(int p) {
    return "p" + (p + 1);
  }

  public static String stepName(int s) {
    return s < STEP_NAMES.length ? STEP_NAMES[s] : "step" + (s + 1);
  }

  /** The labels of a step: a fixed vocabulary, or class_i beyond it. */
  public static List<String> labels(int step, int classes) {
    List<String> out = new ArrayList<>();
    String[] vocabulary = VOCABULARY[step % VOCABULARY.length];
    for (int k = 0; k < classes; k++) {
      out.add(classes <= vocabulary.length ? vocabulary[k] : "class_" + k);
    }
    return out;
  }

  /** The annotation records (including the injected bad ones). */
  public static Dataset<Row> annotations(
      SparkSession spark,
      SimulatorSettings s,
      WorkerPool pool,
      boolean includeMalformed,
      int partitions) {
    Broadcast<WorkerPool> crowd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(pool);
    Broadcast<AnomalyPlan> plan =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(AnomalyPlan.create(pool, s));
    return spark
        .range(0, s.units(), 1, partitions)
        .flatMap(
            (org.apache.spark.api.java.function.FlatMapFunction<Long, Row>)
                u -> answers(s, crowd.value(), plan.value(), u, includeMalformed).iterator(),
            Encoders.row(ANNOTATIONS));
  }

  /** The hidden truth per (item, step). */
  public static Dataset<Row> items(SparkSession spark, SimulatorSettings s, int partitions) {
    return spark
        .range(0, s.units(), 1, partitions)
        .map(
            (org.apache.spark.api.java.function.MapFunction<Long, Row>)
                u -> itemRow(s, Unit.of(s, u)),
            Encoders.row(ITEMS));
  }

  /**
   * Annotators' questions: one per asked item, by one of the workers who answered it (the same draw
   * as {@link #annotations}), at the time {@link Asking} says.
   */
  public static Dataset<Row> questions(
      SparkSession spark, SimulatorSettings s, WorkerPool pool, int partitions) {
    Broadcast<WorkerPool> crowd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(pool);
    return spark
        .range(0, s.units(), 1, partitions)
        .flatMap(
            (org.apache.spark.api.java.function.FlatMapFunction<Long, Row>)
                u -> question(s, crowd.value(), u).iterator(),
            Encoders.row(QUESTIONS));
  }

  private static List<Row> question(SimulatorSettings s, WorkerPool pool, long u) {
    Unit unit = Unit.of(s, u);
    Asking asking = Asking.of(s, unit);
    if (asking.raisedMs() < 0) {
      return List.of();
    }
    int[] answered = crowd(unit, pool, new SplittableRandom(Rng.mix(s.seed(), ANSWER_SALT, u)));
    List<String> labels = labels(unit.step(), s.classes());
    String text =
        String.format(
            Locale.ROOT,
            QUESTION_TEMPLATES[asking.template()],
            labels.get(unit.truth()),
            labels.get((unit.truth() + 1) % labels.size()));
    return List.of(
        RowFactory.create(
            projectId(unit.project()),
            stepName(unit.step()),
            unit.itemId(),
            pool.id(answered[asking.asker() % answered.length]),
            text,
            new Timestamp(asking.raisedMs())));
  }

  /**
   * Whether an annotator asked about an item, and when (-1: not asked), and for an adjudicated item
   * when the expert decided. Asked adjudicated items were asked in the first 40% of the operation
   * (under v1) and decided a twentieth of it later, before v2; so v2, which redefines the step's
   * second label, folds the decisions that gave that label. Other adjudications are decided at the
   * end. A stream of its own: the other outputs stay what they were.
   */
  record Asking(long raisedMs, long decidedMs, int asker, int template) {
    static Asking of(SimulatorSettings s, Unit unit) {
      SplittableRandom q = new SplittableRandom(Rng.mix(s.seed(), QUESTION_SALT, unit.index()));
      long startMs = s.startDate().atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
      long spanMs = s.days() * 86_400_000L;
      long endMs = startMs + spanMs;
      double r = q.nextDouble();
      int asker = q.nextInt(64);
      int template = q.nextInt(QUESTION_TEMPLATES.length);
      double when = q.nextDouble();
      if (unit.gold()) {
        return new Asking(-1, -1, asker, template);
      }
      if (unit.adjudicated()) {
        if (unit.truth() == 1 || r < QUESTION_SHARE_ADJUDICATED) {
          long raised = startMs + (long) (when * 0.4 * spanMs);
          return new Asking(raised, raised + spanMs / 20, asker, template);
        }
        return new Asking(-1, endMs, asker, template);
      }
      return r < QUESTION_SHARE_OPEN
          ? new Asking(startMs + (long) (when * spanMs), -1, asker, template)
          : new Asking(-1, -1, asker, template);
    }
  }

  /**
   * Item features: class c of K places an item around (2c, 2 cos 2pi c/K, 2 sin 2pi c/K) in f1..f3
   * with unit Gaussian noise; f4 is noise alone. A random stream of its own, so the other outputs
   * stay what they were.
   */
  public static Dataset<Row> itemFeatures(SparkSession spark, SimulatorSettings s, int partitions) {
    return spark
        .range(0, s.units(), 1, partitions)
        .map(
            (org.apache.spark.api.java.function.MapFunction<Long, Row>)
                u -> featureRow(s, Unit.of(s, u)),
            Encoders.row(ITEM_FEATURES));
  }

  private static Row featureRow(SimulatorSettings s, Unit unit) {
    SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), FEATURE_SALT, unit.index()));
    double angle = 2 * Math.PI * unit.truth() / s.classes();
    double[] f = {2.0 * unit.truth(), 2 * Math.cos(angle), 2 * Math.sin(angle), 0};
    for (int j = 0; j < f.length; j++) {
      f[j] = Math.round((f[j] + gaussian(rng)) * 1e4) / 1e4;
    }
    return RowFactory.create(
        projectId(unit.project()), stepName(unit.step()), unit.itemId(), f[0], f[1], f[2], f[3]);
  }

  /** A standard normal draw (Box-Muller; SplittableRandom has no nextGaussian). */
  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble()))
        * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /** One (item, step) with its hidden properties. */
  record Unit(
      long index,
      int project,
      int step,
      String itemId,
      int truth,
      int truthV1,
      boolean gold,
      boolean adjudicated,
      int adjudicatedLabel,
      int prelabel,
      int redundancy) {

    static Unit of(SimulatorSettings s, long u) {
      SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), UNIT_SALT, u));
      int project = (int) (u % s.projects());
      int step = (int) ((u / s.projects()) % s.steps());
      long base = u / ((long) s.projects() * s.steps());
      int k = s.classes();
      int truth = skewedClass(rng.nextDouble(), k);
      boolean gold = rng.nextDouble() < s.goldShare();
      int truthV1 = gold && rng.nextDouble() < 0.02 ? (truth + 1) % k : truth;
      boolean adjudicated = !gold && rng.nextDouble() < s.adjudicationShare();
      int adjudicatedLabel = rng.nextDouble() < 0.99 ? truth : (truth + 2) % k;
      int prelabel = -1;
      if (rng.nextDouble() < s.prelabelShare()) {
        prelabel =
            rng.nextDouble() < s.prelabelAccuracy() ? truth : (truth + 1 + rng.nextInt(k - 1)) % k;
      }
      double r = rng.nextDouble();
      int base1 = s.redundancy();
      int redundancy =
          r < 0.05 ? Math.max(1, base1 - 1) : r < 0.15 ? base1 + 1 : r < 0.20 ? base1 + 2 : base1;
      if (base1 == 1 && r < 0.05) {
        redundancy = 1;
      }
      String itemId = String.format("%s-item-%08d", projectId(project), base);
      return new Unit(
          u,
          project,
          step,
          itemId,
          truth,
          truthV1,
          gold,
          adjudicated,
          adjudicatedLabel,
          prelabel,
          redundancy);
    }
  }

  /** Class k with probability proportional to 1/(k+1). */
  static int skewedClass(double u, int k) {
    double total = 0;
    for (int c = 0; c < k; c++) {
      total += 1.0 / (c + 1);
    }
    double acc = 0;
    for (int c = 0; c < k; c++) {
      acc += 1.0 / (c + 1) / total;
      if (u < acc) {
        return c;
      }
    }
    return k - 1;
  }

  private static Row itemRow(SimulatorSettings s, Unit unit) {
    List<String> labels = labels(unit.step(), s.classes());
    Asking asking = Asking.of(s, unit);
    return RowFactory.create(
        projectId(unit.project()),
        stepName(unit.step()),
        unit.itemId(),
        labels.get(unit.truth()),
        labels.get(unit.truthV1()),
        unit.gold(),
        unit.adjudicated(),
        unit.adjudicated() ? labels.get(unit.adjudicatedLabel()) : null,
        unit.prelabel() >= 0 ? labels.get(unit.prelabel()) : null,
        unit.redundancy(),
        asking.raisedMs() < 0 ? null : new Timestamp(asking.raisedMs()),
        asking.decidedMs() < 0 ? null : new Timestamp(asking.decidedMs()));
  }

  /** The workers drawn to answer a unit (followers aside), from the unit's answer stream. */
  static int[] crowd(Unit unit, WorkerPool pool, SplittableRandom rng) {
    int r = Math.min(unit.redundancy(), pool.size());
    int[] chosen = new int[r];
    for (int j = 0; j < r; j++) {
      int w;
      int attempts = 0;
      do {
        w = pool.drawWorker(rng.nextDouble());
      } while (contains(chosen, j, w) && ++attempts < 50);
      while (contains(chosen, j, w)) {
        w = (w + 1) % pool.size();
      }
      chosen[j] = w;
    }
    return chosen;
  }

  static List<Row> answers(
      SimulatorSettings s, WorkerPool pool, AnomalyPlan plan, long u, boolean includeMalformed) {
    Unit unit = Unit.of(s, u);
    List<String> labels = labels(unit.step(), s.classes());
    SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), ANSWER_SALT, u));
    // Injections draw from their own stream, so the records of uninvolved workers stay as they
    // were.
    SplittableRandom inject = new SplittableRandom(Rng.mix(s.seed(), INJECT_SALT, u));
    int[] chosen = crowd(unit, pool, rng);
    int r = chosen.length;
    chosen = withFollowers(plan, chosen, inject);
    long startMs = s.startDate().atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    long spanMs = s.days() * 86_400_000L;
    long midMs = startMs + spanMs / 2;
    List<Object[]> records = new ArrayList<>(chosen.length + 2);
    Object[][] own = new Object[chosen.length][];
    for (int j = 0; j < chosen.length; j++) {
      int w = chosen[j];
      boolean extra = j >= r;
      WorkerArchetype kind = pool.archetype(w);
      // An added follower answer draws from the injection stream; the crowd's draws stay untouched.
      SplittableRandom draw = extra ? inject : rng;
      long submittedMs = startMs + (long) (draw.nextDouble() * spanMs);
      if (plan.role(w) == AnomalyPlan.Role.BURST
          && inject.nextDouble() < plan.burstProbability[w]) {
        submittedMs = plan.burstStartMs[w] + inject.nextInt(55_000);
      }
      String guideline = submittedMs < midMs ? "v1" : "v2";
      int truth = "v1".equals(guideline) ? unit.truthV1() : unit.truth();
      int answer =
          kind == WorkerArchetype.RUBBER_STAMPER && unit.prelabel() >= 0 && draw.nextDouble() < 0.95
              ? unit.prelabel()
              : pool.answer(w, truth, draw.nextDouble());
      if (submittedMs >= plan.spikeFromMs[w]) {
        answer = inject.nextInt(labels.size());
      }
      long duration =
          Math.max(200, (long) (kind.medianDurationMs() * Math.exp(0.5 * draw.nextGaussian())));
      Object[] v = new Object[ANNOTATIONS.size()];
      v[0] = "a" + Long.toHexString(Rng.mix(s.seed(), ID_SALT, u * 64 + j));
      v[1] = projectId(unit.project());
      v[2] = unit.itemId();
      v[3] = stepName(unit.step());
      v[4] = pool.id(w);
      v[5] = kind == WorkerArchetype.EXPERT ? "expert" : "crowd";
      v[6] = labels.get(answer);
      v[7] = guideline;
      v[8] = new Timestamp(submittedMs - duration);
      v[9] = new Timestamp(submittedMs);
      v[10] = duration;
      v[11] = unit.prelabel() >= 0 ? labels.get(unit.prelabel()) : null;
      v[12] = unit.prelabel() >= 0 ? "model-v1" : null;
      v[13] = kind == WorkerArchetype.EXPERT ? EXPERT_COST : CROWD_COST;
      v[14] = 1;
      v[15] = null;
      v[16] = labels.get(truth);
      if (!extra && rng.nextDouble() < s.badRate()) {
        int kinds = includeMalformed ? BAD_KINDS.length : BAD_KINDS.length - 1;
        ReasonCode bad = BAD_KINDS[rng.nextInt(kinds)];
        spoil(v, bad, rng, labels, records);
      }
      own[j] = v;
      records.add(v);
    }
    injectAfterAnswers(s, plan, unit, chosen, own, labels, inject, u, records);
    List<Row> rows = new ArrayList<>(records.size());
    for (Object[] v : records) {
      rows.add(RowFactory.create(v));
    }
    return rows;
  }

  /** Adds a colluding follower to the leader's items (FOLLOW_SHARE of them) as an extra answer. */
  private static int[] withFollowers(AnomalyPlan plan, int[] chosen, SplittableRandom inject) {
    int[] out = chosen;
    for (int w : chosen) {
      int follower = plan.partner(w);
      if (plan.leads(w)
          && !contains(out, out.length, follower)
          && inject.nextDouble() < AnomalyPlan.FOLLOW_SHARE) {
        out = Arrays.copyOf(out, out.length + 1);
        out[out.length - 1] = follower;
      }
    }
    return out;
  }

  /**
   * Injections that need every answer of the item: followers copy their leader; on trap items the
   * crowd is wrong and the trap expert right; a duplicate submission; an impossible timestamp.
   * Records already made bad for ingestion are left alone.
   */
  private static void injectAfterAnswers(
      SimulatorSettings s,
      AnomalyPlan plan,
      Unit unit,
      int[] chosen,
      Object[][] own,
      List<String> labels,
      SplittableRandom inject,
      long u,
      List<Object[]> records) {
    int k = labels.size();
    for (int j = 0; j < chosen.length; j++) {
      int leader = plan.partner(chosen[j]);
      if (leader >= 0 && !plan.leads(chosen[j]) && own[j][15] == null) {
        for (int i = 0; i < chosen.length; i++) {
          if (chosen[i] == leader && own[i][15] == null) {
            own[j][6] = own[i][6];
          }
        }
      }
    }
    int expert = -1;
    for (int j = 0; j < chosen.length; j++) {
      if (plan.role(chosen[j]) == AnomalyPlan.Role.TRAP_EXPERT) {
        expert = j;
      }
    }
    if (expert >= 0 && !unit.gold() && inject.nextDouble() < AnomalyPlan.TRAP_SHARE) {
      for (int j = 0; j < chosen.length; j++) {
        if (own[j][15] == null) {
          int truth = labels.indexOf((String) own[j][16]);
          own[j][6] = labels.get(j == expert ? truth : (truth + 1) % k);
        }
      }
    }
    if (inject.nextDouble() < AnomalyPlan.DUPLICATE_RATE && own[0][15] == null) {
      Object[] copy = own[0].clone();
      long later = 5_000 + inject.nextInt(115_000);
      copy[0] = "a" + Long.toHexString(Rng.mix(s.seed(), DUPLICATE_ID_SALT, u));
      copy[8] = new Timestamp(((Timestamp) copy[8]).getTime() + later);
      copy[9] = new Timestamp(((Timestamp) copy[9]).getTime() + later);
      copy[ANOMALY] = "DUPLICATE_SUBMISSION";
      records.add(copy);
    }
    Object[] last = own[chosen.length - 1];
    if (inject.nextDouble() < AnomalyPlan.IMPOSSIBLE_RATE
        && last[15] == null
        && chosen.length > 1) {
      if (inject.nextBoolean()) {
        // Months before the operation (and its batch): passes ingestion, cannot be true.
        long back = (120L + inject.nextInt(280)) * 86_400_000L;
        last[8] = new Timestamp(((Timestamp) last[8]).getTime() - back);
        last[9] = new Timestamp(((Timestamp) last[9]).getTime() - back);
      } else {
        // A duration the timestamps contradict: started..submitted is seconds, duration_ms says up
        // to an hour.
        last[10] = (Long) last[10] + 600_000L + inject.nextInt(3_000_000);
      }
      last[ANOMALY] = "IMPOSSIBLE_TIMESTAMP";
    }
  }

  /**
   * Makes one record bad in the given way; may add the extra record a duplicate or revision needs.
   */
  private static void spoil(
      Object[] v, ReasonCode bad, SplittableRandom rng, List<String> labels, List<Object[]> rows) {
    switch (bad) {
      case UNKNOWN_LABEL -> v[6] = ((String) v[6]).toUpperCase(Locale.ROOT) + "?";
      case MISSING_REQUIRED_FIELD -> v[rng.nextBoolean() ? 2 : 4] = null;
      case IMPOSSIBLE_TIMESTAMP -> {
        if (rng.nextBoolean()) {
          v[8] = new Timestamp(((Timestamp) v[9]).getTime() + 300_000);
          v[10] = -300_000L;
        } else {
          v[9] = FAR_FUTURE;
          v[8] = new Timestamp(FAR_FUTURE.getTime() - (Long) v[10]);
        }
      }
      case DUPLICATE_RECORD -> rows.add(v.clone());
      case SUPERSEDED_REVISION -> {
        Object[] first = v.clone();
        first[6] = labels.get((labels.indexOf((String) v[6]) + 1) % labels.size());
        first[9] = new Timestamp(((Timestamp) v[9]).getTime() - 60_000);
        first[8] = new Timestamp(((Timestamp) first[9]).getTime() - (Long) v[10]);
        first[15] = ReasonCode.SUPERSEDED_REVISION.name();
        rows.add(first);
        v[14] = 2;
        return; // the second revision is a good record
      }
      default -> {}
    }
    v[15] = bad.name();
  }

  private static boolean contains(int[] a, int n, int w) {
    for (int i = 0; i < n; i++) {
      if (a[i] == w) {
        return true;
      }
    }
    return false;
  }
}
