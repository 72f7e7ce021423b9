package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.EmProgram;
import io.annolake.common.aggregation.EmRunner;
import io.annolake.common.aggregation.GoldFold;
import io.annolake.common.aggregation.MethodChoice;
import io.annolake.common.aggregation.spark.IndexedTask;
import io.annolake.common.aggregation.spark.InternalRows;
import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.config.ConfigException;
import io.annolake.common.quality.StatusTimeline;
import io.annolake.common.quality.WorkerStatus;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.ConsensusSchemas;
import io.annolake.common.schema.rows.LabelSchemaRow;
import io.annolake.common.spark.ScalaSeqs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The iterative part of consensus: per project and step, index the answers once, fit the method on
 * Spark, and give posterior and worker-skill rows. Holds cached blocks until {@link #close()}.
 */
public final class ConsensusComputation implements AutoCloseable {

  private final SparkSession spark;
  private final SparkAggregation.Indexed indexed;

  /** The indexed answers a refit borrows (not released by it). */
  private SparkAggregation.Indexed shared;

  private final List<TaskFit> fits = new ArrayList<>();
  private List<Double> passMillis = List.of();

  /**
   * Per task, the method chosen by {@code auto} (null: one method for all, the one the caller
   * names).
   */
  private ConsensusPolicy.Method[] chosen;

  /** Latest label schema per task key (thresholds), when fitted from {@link Inputs}. */
  private Map<String, LabelSchemaRow> schemas = Map.of();

  /** Guideline rules per task key, when fitted from {@link Inputs} with guidelines. */
  private Map<String, GuidelineVersions.StepRule> guidelineRules = Map.of();

  private ConsensusComputation(SparkSession spark, SparkAggregation.Indexed indexed) {
    this.spark = spark;
    this.indexed = indexed;
  }

  /** Labels of each (project, step)'s latest label schema, by task key. */
  public static Map<String, List<String>> declaredLabels(Dataset<Row> schemas) {
    return labels(latestSchemas(schemas));
  }

  private static Map<String, List<String>> labels(Map<String, LabelSchemaRow> schemas) {
    Map<String, List<String>> out = new HashMap<>();
    schemas.forEach((k, r) -> out.put(k, r.labels()));
    return out;
  }

  /** Per task key: the label schema of the latest guideline version. */
  private static Map<String, LabelSchemaRow> latestSchemas(Dataset<Row> schemas) {
    Map<String, LabelSchemaRow> out = new HashMap<>();
    if (schemas == null) {
      return out;
    }
    for (LabelSchemaRow s : LabelSchemaRow.READER.collect(schemas)) {
      if (s.guidelineVersion() != null) {
        out.merge(
            SparkAggregation.taskKey(s.projectId(), s.step()),
            s,
            (a, b) -> a.guidelineVersion().compareTo(b.guidelineVersion()) >= 0 ? a : b);
      }
    }
    return out;
  }

  /**
   * Indexes and fits every task on answers alone (what compare-methods and the tests need).
   *
   * @param gold gold answers to clamp (null: fit blind, as compare-methods does)
   */
  public static ConsensusComputation fit(
      SparkSession spark,
      Dataset<Row> annotations,
      Dataset<Row> gold,
      Dataset<Row> schemas,
      Aggregator aggregator,
      int partitions) {
    return new ConsensusComputation(
            spark,
            SparkAggregation.indexAll(annotations, gold, declaredLabels(schemas), partitions))
        .fitted(aggregator);
  }

  /** Fits every task; on failure the cached blocks are released before the error propagates. */
  private ConsensusComputation fitted(Aggregator aggregator) {
    try {
      fitAll(aggregator);
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The consensus job's inputs (pinned silver tables).
   *
   * @param annotations silver annotations
   * @param gold silver gold_labels, or null
   * @param adjudications silver adjudications, or null
   * @param schemas silver label_schemas, or null
   * @param statusIntervals worker_status_intervals, or null: when present, answers submitted while
   *     their worker was PAUSED are left out of the fit and listed per item
   * @param flagged answers acting flags cover ({@link FlagExclusions#flaggedAnswers}: project_id,
   *     annotation_id, flag_ids), or null: they are left out of the fit and listed per item with
   *     the flag ids
   * @param guidelines silver guidelines, or null: answers under versions a later version's relabel
   *     policy supersedes are left out ({@link GuidelineVersions}) and listed per item
   */
  public record Inputs(
      Dataset<Row> annotations,
      Dataset<Row> gold,
      Dataset<Row> adjudications,
      Dataset<Row> schemas,
      Dataset<Row> statusIntervals,
      Dataset<Row> flagged,
      Dataset<Row> guidelines) {
    /** Inputs without guideline records. */
    public Inputs(
        Dataset<Row> annotations,
        Dataset<Row> gold,
        Dataset<Row> adjudications,
        Dataset<Row> schemas,
        Dataset<Row> statusIntervals,
        Dataset<Row> flagged) {
      this(annotations, gold, adjudications, schemas, statusIntervals, flagged, null);
    }

    /** Inputs with no flags acting. */
    public Inputs(
        Dataset<Row> annotations,
        Dataset<Row> gold,
        Dataset<Row> adjudications,
        Dataset<Row> schemas,
        Dataset<Row> statusIntervals) {
      this(annotations, gold, adjudications, schemas, statusIntervals, null, null);
    }
  }

  /**
   * Indexes and fits every task with everything the decision needs kept beside the answers: one
   * shuffle of the annotations in all (gold, adjudications and the paused-work flag travel with
   * it), so {@link #labels} and {@link #escalations} are passes over the cache.
   */
  public static ConsensusComputation fit(
      SparkSession spark, Inputs in, Aggregator aggregator, int partitions) {
    return indexed(spark, in, partitions).fitted(aggregator);
  }

  /**
   * As {@link #fit(SparkSession, Inputs, Aggregator, int)} under {@code auto}: per project and
   * step, the candidate with the best cross-fitted gold accuracy ({@link MethodChoice}), or {@code
   * fallback} below {@code minGold} gold items. Costs a count pass, then per candidate and fold a
   * fit and a scoring pass (all tasks fused), then the chosen fits; each task's rows record its
   * choice.
   */
  public static ConsensusComputation fitAuto(
      SparkSession spark,
      Inputs in,
      List<Aggregator> candidates,
      Aggregator fallback,
      int minGold,
      int partitions) {
    ConsensusComputation c = indexed(spark, in, partitions);
    try {
      c.fitAllAuto(candidates, fallback, minGold);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static ConsensusComputation indexed(SparkSession spark, Inputs in, int partitions) {
    Dataset<Row> answers = in.annotations();
    Column kind = lit(SparkAggregation.ANSWER);
    if (in.statusIntervals() != null) {
      // Intervals scale with workers, not answers: broadcast, so the range join never shuffles the
      // annotations.
      answers = StatusTimeline.statusAt(answers, broadcast(in.statusIntervals()));
      kind =
          when(
                  col("worker_status").equalTo(WorkerStatus.PAUSED.name()),
                  lit(SparkAggregation.EXCLUDED))
              .otherwise(kind);
    }
    if (in.flagged() != null) {
      // Flagged answers are few (a share of a step's answers at most): broadcast, so the
      // annotations are not shuffled for it.
      answers =
          answers.join(
              broadcast(in.flagged()), ScalaSeqs.of("project_id", "annotation_id"), "left");
      kind = when(col("flag_ids").isNotNull(), lit(SparkAggregation.EXCLUDED)).otherwise(kind);
    }
    Map<String, GuidelineVersions.StepRule> guidelineRules = Map.of();
    if (in.guidelines() != null) {
      List<GuidelineVersions.Version> versions = GuidelineVersions.collect(in.guidelines());
      guidelineRules = GuidelineVersions.rules(versions);
      // Only answers still counted can be superseded: a paused or flagged answer stays left out as
      // such.
      kind =
          when(
                  kind.equalTo(lit(SparkAggregation.ANSWER))
                      .and(
                          GuidelineVersions.superseded(
                              guidelineRules, GuidelineVersions.taskNames(versions))),
                  lit(SparkAggregation.SUPERSEDED))
              .otherwise(kind);
    }
    Dataset<Row> stream = SparkAggregation.answerStream(answers, kind);
    if (in.gold() != null) {
      stream = stream.unionByName(SparkAggregation.goldStream(in.gold()));
    }
    if (in.adjudications() != null) {
      stream = stream.unionByName(adjudicationStream(in.adjudications()));
    }
    Map<String, LabelSchemaRow> schemas = latestSchemas(in.schemas());
    ConsensusComputation c =
        new ConsensusComputation(
            spark, SparkAggregation.indexStream(stream, labels(schemas), partitions));
    c.schemas = schemas;
    c.guidelineRules = guidelineRules;
    return c;
  }

  /**
   * The latest adjudication per item as stream facts; the expert id breaks ties so the choice is
   * deterministic.
   */
  private static Dataset<Row> adjudicationStream(Dataset<Row> adjudications) {
    return adjudications
        .groupBy(col(Columns.PROJECT_ID), col(Columns.STEP), col(Columns.ITEM_ID))
        .agg(
            max_by(
                    struct(col(Columns.LABEL), col(Columns.EXPERT_ID)),
                    struct(col(Columns.DECIDED_AT), col(Columns.EXPERT_ID)))
                .as("adj"))
        .select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            lit(SparkAggregation.FACT).as("kind"),
            lit(null).cast("string").as(Columns.WORKER_ID),
            lit(null).cast("string").as(Columns.LABEL),
            lit(null).cast("string").as(Columns.ANNOTATION_ID),
            lit(null).cast("string").as(Columns.GUIDELINE_VERSION),
            lit(null).cast("string").as(Columns.GOLD_LABEL),
            col("adj.label").as("adjudicated_label"),
            col("adj.expert_id").as(Columns.ADJUDICATED_BY),
            lit(null).cast("array<string>").as("flag_ids"));
  }

  /**
   * Fits another method on the already indexed tasks (compare-methods); closing it releases
   * nothing.
   */
  public ConsensusComputation refit(Aggregator aggregator) {
    ConsensusComputation c = new ConsensusComputation(spark, null);
    c.shared = indexed != null ? indexed : shared;
    c.fitAll(aggregator);
    return c;
  }

  private void fitAll(Aggregator aggregator) {
    Aggregator[] perTask = new Aggregator[(indexed != null ? indexed : shared).tasks().size()];
    java.util.Arrays.fill(perTask, aggregator);
    fitAll(perTask);
  }

  /** Programs of each task under each task's aggregator. */
  private EmProgram[] programs(Aggregator[] perTask) {
    List<IndexedTask> tasks = (indexed != null ? indexed : shared).tasks();
    EmProgram[] programs = new EmProgram[tasks.size()];
    for (int t = 0; t < programs.length; t++) {
      programs[t] = perTask[t].program(tasks.get(t).workers().size(), tasks.get(t).labels().size());
      if (programs[t] == null) {
        throw new ConfigException(
            "Invalid value '"
                + perTask[t].name()
                + "' for option '--method': it has no distributed form yet");
      }
    }
    return programs;
  }

  /**
   * auto: gold items per task (a scoring pass of majority vote over both folds), then each
   * candidate's cross-fitted score on the tasks with enough gold (others run an idle vote), then
   * the choices.
   */
  private void fitAllAuto(List<Aggregator> candidates, Aggregator fallback, int minGold) {
    SparkAggregation.Indexed all = indexed != null ? indexed : shared;
    int n = all.tasks().size();
    Aggregator idle = new io.annolake.common.aggregation.MajorityVote();
    long[] goldItems = new long[n];
    double[][][] counts = new double[candidates.size()][n][3];
    boolean[] enough = new boolean[n];
    Aggregator[] perTask = new Aggregator[n];
    for (int f = 0; f < GoldFold.FOLDS; f++) {
      double[][] c = crossFit(all, fill(n, idle), f);
      for (int t = 0; t < n; t++) {
        goldItems[t] += (long) c[t][1];
      }
    }
    for (int t = 0; t < n; t++) {
      enough[t] = goldItems[t] >= minGold;
    }
    for (int m = 0; m < candidates.size(); m++) {
      for (int t = 0; t < n; t++) {
        perTask[t] = enough[t] ? candidates.get(m) : idle;
      }
      for (int f = 0; f < GoldFold.FOLDS; f++) {
        double[][] c = crossFit(all, perTask, f);
        for (int t = 0; t < n; t++) {
          for (int k = 0; k < 3; k++) {
            counts[m][t][k] += c[t][k];
          }
        }
      }
    }
    chosen = new ConsensusPolicy.Method[n];
    for (int t = 0; t < n; t++) {
      List<MethodChoice.Score> scores = new ArrayList<>();
      for (int m = 0; enough[t] && m < candidates.size(); m++) {
        scores.add(
            new MethodChoice.Score(
                candidates.get(m).name(),
                (long) counts[m][t][0],
                (long) counts[m][t][1],
                counts[m][t][2]));
      }
      MethodChoice.Choice choice =
          MethodChoice.decide(scores, goldItems[t], fallback.name(), minGold);
      perTask[t] = fallback;
      for (Aggregator a : candidates) {
        if (a.name().equals(choice.method())) {
          perTask[t] = a;
        }
      }
      chosen[t] = MethodParams.of(perTask[t], choice);
    }
    fitAll(perTask);
  }

  private static Aggregator[] fill(int n, Aggregator a) {
    Aggregator[] out = new Aggregator[n];
    java.util.Arrays.fill(out, a);
    return out;
  }

  /**
   * Per task {right, scored, Brier sum} on fold f's gold, from fits that saw only the other folds'
   * gold.
   */
  private double[][] crossFit(SparkAggregation.Indexed all, Aggregator[] perTask, int fold) {
    EmProgram[] fits = programs(perTask);
    for (int t = 0; t < fits.length; t++) {
      fits[t] = GoldFold.fit(fits[t], fold);
    }
    List<EmRunner.Outcome> fitted = SparkAggregation.fitAll(all, fits).outcomes();
    EmProgram[] scores = new EmProgram[fits.length];
    for (int t = 0; t < fits.length; t++) {
      scores[t] = GoldFold.score(fits[t], fitted.get(t).reported(), fold);
    }
    List<EmRunner.Outcome> scored = SparkAggregation.fitAll(all, scores).outcomes();
    double[][] out = new double[fits.length][];
    for (int t = 0; t < fits.length; t++) {
      out[t] = scored.get(t).last().clone();
    }
    return out;
  }

  private void fitAll(Aggregator[] perTask) {
    SparkAggregation.Indexed all = indexed != null ? indexed : shared;
    List<IndexedTask> tasks = all.tasks();
    EmProgram[] programs = programs(perTask);
    long start = System.nanoTime();
    SparkAggregation.Fitted fitted = SparkAggregation.fitAll(all, programs);
    List<EmRunner.Outcome> outcomes = fitted.outcomes();
    passMillis = fitted.passMillis();
    long millis = (System.nanoTime() - start) / 1_000_000;
    for (int t = 0; t < programs.length; t++) {
      fits.add(new TaskFit(tasks.get(t), programs[t], outcomes.get(t), millis));
    }
  }

  /** Under auto: each task's method with its choice (in {@link #fits()} order); empty otherwise. */
  public List<ConsensusPolicy.Method> chosen() {
    return chosen == null ? List.of() : List.of(chosen);
  }

  public List<TaskFit> fits() {
    return List.copyOf(fits);
  }

  /** Wall time of each fused EM pass (one Spark job each, every task), the initial pass first. */
  public List<Double> passMillis() {
    return passMillis;
  }

  /** Posterior rows of every task (as {@link SparkAggregation#POSTERIORS}), in one pass. */
  public Dataset<Row> posteriors() {
    EmProgram[] programs = new EmProgram[fits.size()];
    double[][] states = new double[fits.size()][];
    for (int t = 0; t < programs.length; t++) {
      programs[t] = fits.get(t).program();
      states[t] = fits.get(t).outcome().reported();
    }
    return SparkAggregation.posteriorsAll(
        spark, indexed != null ? indexed : shared, programs, states);
  }

  /**
   * consensus_labels rows: one per item answered (or whose every answer was left out), decided
   * where its answers are cached, each decision counted in {@code counted} as its row is built
   * (read the counts once the rows are written; no pass of their own).
   */
  public Dataset<Row> labels(
      ConsensusSettings settings, ConsensusPolicy.Method method, DecisionCounts counted) {
    return rows(
        ConsensusRows.Output.LABELS, ConsensusSchemas.CONSENSUS_LABELS, settings, method, counted);
  }

  /**
   * relabel_queue rows: the PENDING_RELABEL items, with old and new versions and the answers they
   * need.
   */
  public Dataset<Row> relabelQueue(ConsensusSettings settings, ConsensusPolicy.Method method) {
    return rows(
        ConsensusRows.Output.RELABELS, ConsensusSchemas.RELABEL_QUEUE, settings, method, null);
  }

  /** escalations rows: the ESCALATED items with their reason, candidates and answers. */
  public Dataset<Row> escalations(ConsensusSettings settings, ConsensusPolicy.Method method) {
    return rows(
        ConsensusRows.Output.ESCALATIONS, ConsensusSchemas.ESCALATIONS, settings, method, null);
  }

  private Dataset<Row> rows(
      ConsensusRows.Output output,
      StructType schema,
      ConsensusSettings settings,
      ConsensusPolicy.Method method,
      DecisionCounts counted) {
    int n = fits.size();
    EmProgram[] programs = new EmProgram[n];
    double[][] states = new double[n][];
    String[] projects = new String[n];
    String[] steps = new String[n];
    String[][] workers = new String[n][];
    String[][] labels = new String[n][];
    ConsensusPolicy.Thresholds[] thresholds = new ConsensusPolicy.Thresholds[n];
    boolean[][] lowQuality = new boolean[n][];
    String[] newest = new String[n];
    for (int t = 0; t < n; t++) {
      TaskFit f = fits.get(t);
      programs[t] = f.program();
      states[t] = f.outcome().reported();
      projects[t] = f.task().projectId();
      steps[t] = f.task().step();
      workers[t] = f.task().workers().toArray(String[]::new);
      labels[t] = f.task().labels().toArray(String[]::new);
      LabelSchemaRow latest = schemas.get(SparkAggregation.taskKey(projects[t], steps[t]));
      thresholds[t] =
          new ConsensusPolicy.Thresholds(
              latest == null || latest.minAnnotators() == null
                  ? settings.minAnnotators()
                  : latest.minAnnotators(),
              latest == null || latest.acceptThreshold() == null
                  ? settings.acceptThreshold()
                  : latest.acceptThreshold(),
              settings.policyFor(
                  projects[t], steps[t], latest == null ? null : latest.decisionPolicy()),
              settings.majorityShare());
      lowQuality[t] = lowQuality(f, settings.lowQualityAccuracy());
      GuidelineVersions.StepRule rule =
          guidelineRules.get(SparkAggregation.taskKey(projects[t], steps[t]));
      newest[t] = rule == null ? null : rule.newest();
    }
    ConsensusRows visitor =
        new ConsensusRows(
            output,
            methods(method),
            projects,
            steps,
            workers,
            labels,
            thresholds,
            lowQuality,
            counted,
            newest);
    return SparkAggregation.perItem(
        spark, indexed != null ? indexed : shared, programs, states, visitor, schema);
  }

  /** Each task's method: auto's choice, else the one named. */
  private ConsensusPolicy.Method[] methods(ConsensusPolicy.Method method) {
    if (chosen != null) {
      return chosen.clone();
    }
    ConsensusPolicy.Method[] out = new ConsensusPolicy.Method[fits.size()];
    java.util.Arrays.fill(out, method);
    return out;
  }

  /**
   * Workers whose expected accuracy (sum over classes of prior x diagonal) is below the bar; null
   * if the method has no confusion.
   */
  private static boolean[] lowQuality(TaskFit f, double bar) {
    EmProgram.Parameters p = f.program().parameters(f.outcome().last(), f.task().workers().size());
    if (p.confusion() == null || p.priors() == null) {
      return null;
    }
    int k = p.priors().length;
    boolean[] out = new boolean[p.confusion().length];
    for (int j = 0; j < out.length; j++) {
      double accuracy = 0;
      for (int t = 0; t < k; t++) {
        accuracy += p.priors()[t] * p.confusion()[j][t * k + t];
      }
      out[j] = accuracy < bar;
    }
    return out;
  }

  /**
   * worker_skills rows in long form: one per worker, true label and given label. Each task's rows
   * are made on an executor from its fitted parameters (small: workers x K x K), as Spark's
   * internal rows: no per-row conversion on the driver.
   */
  public Dataset<Row> workerSkills(ConsensusPolicy.Method method) {
    List<SkillRows> tasks = skillRows(method);
    JavaRDD<InternalRow> rows =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(tasks, Math.max(1, tasks.size()))
            .flatMap(SkillRows::rows);
    return spark.internalCreateDataFrame(rows.rdd(), ConsensusSchemas.WORKER_SKILLS, false);
  }

  /** Rows {@link #workerSkills} gives (counted from the fits, no Spark action). */
  public long workerSkillRows() {
    return skillRows(new ConsensusPolicy.Method("", "", "")).stream()
        .mapToLong(SkillRows::size)
        .sum();
  }

  private List<SkillRows> skillRows(ConsensusPolicy.Method method) {
    List<SkillRows> tasks = new ArrayList<>();
    ConsensusPolicy.Method[] methods = methods(method);
    for (int t = 0; t < fits.size(); t++) {
      TaskFit f = fits.get(t);
      EmProgram.Parameters p =
          f.program().parameters(f.outcome().last(), f.task().workers().size());
      tasks.add(
          new SkillRows(
              f.task().projectId(),
              f.task().step(),
              methods[t].name(),
              methods[t].paramsHash(),
              f.task().workers().toArray(String[]::new),
              f.task().labels().toArray(String[]::new),
              p.confusion(),
              p.skills()));
    }
    return tasks;
  }

  /** One task's fitted worker parameters, and the worker_skills rows they make. */
  private record SkillRows(
      String project,
      String step,
      String method,
      String paramsHash,
      String[] workers,
      String[] labels,
      double[][] confusion,
      double[] skills)
      implements java.io.Serializable {
    /** The task's rows: K x K per worker with a confusion matrix, else one per worker. */
    long size() {
      return (long) workers.length * (confusion == null ? 1 : labels.length * labels.length);
    }

    java.util.Iterator<InternalRow> rows() {
      UTF8String[] label = InternalRows.utf8(labels);
      UTF8String[] fixed = InternalRows.utf8(new String[] {project, step, method, paramsHash});
      int k = labels.length;
      List<InternalRow> out = new ArrayList<>((int) size());
      for (int j = 0; j < workers.length; j++) {
        UTF8String worker = UTF8String.fromString(workers[j]);
        Object skill = skills == null ? null : skills[j];
        if (confusion == null) {
          out.add(
              new GenericInternalRow(
                  new Object[] {
                    fixed[0], fixed[1], worker, fixed[2], fixed[3], skill, null, null, null
                  }));
          continue;
        }
        for (int t = 0; t < k; t++) {
          for (int l = 0; l < k; l++) {
            out.add(
                new GenericInternalRow(
                    new Object[] {
                      fixed[0],
                      fixed[1],
                      worker,
                      fixed[2],
                      fixed[3],
                      skill,
                      label[t],
                      label[l],
                      confusion[j][t * k + l]
                    }));
          }
        }
      }
      return out.iterator();
    }
  }

  @Override
  public void close() {
    if (indexed != null) {
      indexed.close();
    }
  }
}
