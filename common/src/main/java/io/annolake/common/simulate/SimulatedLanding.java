package io.annolake.common.simulate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.consensus.MultiLabel;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.io.LandingWriter;
import io.annolake.common.schema.Columns;
import io.annolake.common.spark.Counts;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A simulated operation written as landing files, laid out as ingest reads them (annotations, gold,
 * adjudications, schemas, guidelines, annotators' questions, item features), with the hidden truth
 * beside them for the accuracy checks. The {@code generate} command (jobs/generate/GenerateJob) is
 * its CLI; {@code demo} and {@code bench} call it as Java.
 */
public final class SimulatedLanding {
  private SimulatedLanding() {}

  /** What was written. */
  public record Result(
      String out,
      String truthOut,
      String format,
      long records,
      long units,
      int workers,
      Map<String, Long> badRecords) {
    @Override
    public String toString() {
      return String.format(
          "generate: %,d annotation records (%,d items x steps, %d workers, format %s) in %s%n  injected bad records: %s%n  hidden truth: %s",
          records, units, workers, format, out, badRecords, truthOut);
    }
  }

  /** Generates the operation; the files go to {@code out}, the truth to {@code truthOut}. */
  public static Result generate(
      SparkSession spark, SimulatorSettings s, LandingFormat format, String out, String truthOut) {
    long started = System.nanoTime();
    int partitions = partitions(s);
    WorkerPool pool = WorkerPool.create(s.effectiveWorkers(), s.classes(), s.seed());
    boolean text = format == LandingFormat.JSON || format == LandingFormat.CSV;
    Dataset<Row> records = CrowdSimulator.annotations(spark, s, pool, text, partitions);
    Dataset<Row> items = CrowdSimulator.items(spark, s, partitions);

    progress(started, "writing annotations (" + format.cliName() + ")");
    LandingWriter.write(records, format, out + "/annotations");

    progress(started, "writing gold labels, adjudications and schemas");
    writeSideFiles(spark, s, items, out);

    progress(started, "writing annotators' questions");
    LandingWriter.write(
        CrowdSimulator.questions(spark, s, pool, partitions).coalesce(1),
        LandingFormat.JSON,
        out + "/flags");

    progress(started, "writing item features");
    // Observable data beside the annotations (not ingested): what a model trains on in the
    // notebooks.
    CrowdSimulator.itemFeatures(spark, s, partitions)
        .write()
        .mode("overwrite")
        .option("header", true)
        .csv(out + "/items");

    progress(started, "writing hidden truth");
    items.write().mode("overwrite").parquet(truthOut + "/items");
    AnomalyPlan plan = AnomalyPlan.create(pool, s);
    workers(spark, pool, plan)
        .coalesce(1)
        .write()
        .mode("overwrite")
        .option("header", true)
        .csv(truthOut + "/workers");
    // One pass for the few marked records (bad or anomalous), one for the counts: as many passes as
    // before.
    Dataset<Row> marked =
        records
            .where(col("bad_kind").isNotNull().or(col("anomaly").isNotNull()))
            .select(
                Columns.ANNOTATION_ID,
                Columns.PROJECT_ID,
                Columns.ITEM_ID,
                Columns.WORKER_ID,
                "bad_kind",
                "anomaly")
            .cache();
    marked
        .where(col("bad_kind").isNotNull())
        .drop("anomaly")
        .coalesce(1)
        .write()
        .mode("overwrite")
        .option("header", true)
        .csv(truthOut + "/bad_records");
    Map<String, Long> bad = new TreeMap<>();
    java.util.Set<String> active = new java.util.HashSet<>();
    long total = 0;
    for (Row r : records.groupBy("bad_kind", Columns.WORKER_ID).count().collectAsList()) {
      long n = r.<Long>getAs("count");
      String badKind = r.getAs("bad_kind");
      String worker = r.getAs(Columns.WORKER_ID);
      total += n;
      if (badKind != null) {
        bad.merge(badKind, n, Long::sum);
      } else if (worker != null) {
        active.add(worker);
      }
    }
    anomalies(spark, pool, plan, marked, active)
        .coalesce(1)
        .write()
        .mode("overwrite")
        .option("header", true)
        .csv(truthOut + "/anomalies");
    marked.unpersist();
    Result result = new Result(out, truthOut, format.cliName(), total, s.units(), pool.size(), bad);
    LandingWriter.writeSmallFile(
        spark.sparkContext().hadoopConfiguration(),
        truthOut + "/summary.json",
        List.of(summary(s, result)));
    progress(started, "done");
    return result;
  }

  /**
   * Where a step simulated beside the main operation lands its answers and its label schemas.
   *
   * @param annotations the folder of its answers
   * @param schemaFile the JSON Lines file of its label schemas
   */
  public record StepLanding(String annotations, String schemaFile) {
    /**
     * A landing of its own, OUT/STEP/annotations and OUT/STEP/schemas (generate --verification,
     * --multi-label): ingested as a landing folder of its own.
     */
    public static StepLanding own(String out, String step) {
      return new StepLanding(
          out + "/" + step + "/annotations", out + "/" + step + "/schemas/label_schemas.jsonl");
    }

    /**
     * Inside the main landing, OUT/annotations/STEP and OUT/schemas/STEP: one ingest run per kind
     * takes them with the other files (ingest lists a folder recursively; the demo).
     */
    public static StepLanding inside(String out, String step) {
      return new StepLanding(
          out + "/annotations/" + step, out + "/schemas/" + step + "/label_schemas.jsonl");
    }
  }

  /**
   * A verification step for the first project ({@link VerificationSimulator}): its schemas (yes/no,
   * one answer per item) and answers where {@code landing} says; the truth per item in
   * TRUTH/verification (CSV).
   *
   * @return the verification answers written
   */
  public static long generateVerification(
      SparkSession spark,
      SimulatorSettings s,
      LandingFormat format,
      StepLanding landing,
      String truthOut) {
    int partitions = partitions(s);
    WorkerPool pool = WorkerPool.create(s.effectiveWorkers(), s.classes(), s.seed());
    boolean text = format == LandingFormat.JSON || format == LandingFormat.CSV;
    Dataset<Row> rows =
        VerificationSimulator.answers(spark, s, pool, text, partitions)
            .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      LandingWriter.write(
          rows.select(
              java.util.Arrays.stream(CrowdSimulator.ANNOTATIONS.fieldNames())
                  .map(org.apache.spark.sql.functions::col)
                  .toArray(org.apache.spark.sql.Column[]::new)),
          format,
          landing.annotations());
      List<String> truthColumns = List.of(VerificationSimulator.TRUTH.fieldNames());
      rows.select(
              truthColumns.stream()
                  .map(c -> col("truth_" + c).as(c))
                  .toArray(org.apache.spark.sql.Column[]::new))
          .coalesce(1)
          .write()
          .mode("overwrite")
          .option("header", true)
          .csv(truthOut + "/verification");
      // one reviewer per item decides
      writeStepSchemas(
          spark,
          landing,
          VerificationSimulator.project(),
          VerificationSimulator.STEP,
          "categorical",
          List.of(VerificationSimulator.YES, VerificationSimulator.NO),
          1,
          null);
      return rows.count();
    } finally {
      rows.unpersist();
    }
  }

  /**
   * A multi-label step on the last project ({@link MultiLabelSimulator}): its schemas (label_type
   * multi_label, the votes policy) and answers where {@code landing} says; the true set per item in
   * TRUTH/tags (Parquet, the columns of TRUTH/items).
   *
   * @return the answers written
   */
  public static long generateMultiLabel(
      SparkSession spark,
      SimulatorSettings s,
      LandingFormat format,
      StepLanding landing,
      String truthOut) {
    int partitions = partitions(s);
    WorkerPool pool = WorkerPool.create(s.effectiveWorkers(), s.classes(), s.seed());
    Dataset<Row> rows =
        MultiLabelSimulator.annotations(spark, s, pool, partitions)
            .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      LandingWriter.write(rows, format, landing.annotations());
      MultiLabelSimulator.items(spark, s, partitions)
          .write()
          .mode("overwrite")
          .parquet(truthOut + "/" + MultiLabelSimulator.STEP);
      // each label decided by the three-way rule: 3 of 3 auto-approved, 2 of 3 majority
      writeStepSchemas(
          spark,
          landing,
          MultiLabelSimulator.project(s),
          MultiLabelSimulator.STEP,
          MultiLabel.LABEL_TYPE,
          MultiLabelSimulator.LABELS,
          2,
          "votes");
      return rows.count();
    } finally {
      rows.unpersist();
    }
  }

  /** Partitions for simulating an operation: one per 250k answers, 2 to 400. */
  public static int partitions(SimulatorSettings s) {
    return (int) Math.max(2, Math.min(400, s.annotations() / 250_000));
  }

  /**
   * The small landing folders of an operation: gold labels (OUT/gold), adjudications
   * (OUT/adjudications) and label schemas (OUT/schemas), from the simulator's items.
   */
  public static void writeSideFiles(
      SparkSession spark, SimulatorSettings s, Dataset<Row> items, String out) {
    Dataset<Row> gold =
        items
            .where(col("is_gold"))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                explode(
                        org.apache.spark.sql.functions.array(
                            struct(
                                col("true_label_v1").as(Columns.LABEL),
                                lit("v1").as(Columns.GUIDELINE_VERSION)),
                            struct(
                                col(Columns.TRUE_LABEL).as(Columns.LABEL),
                                lit("v2").as(Columns.GUIDELINE_VERSION))))
                    .as("g"))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col("g.label").as(Columns.LABEL),
                col("g.guideline_version").as(Columns.GUIDELINE_VERSION))
            .coalesce(1);
    LandingWriter.write(gold, LandingFormat.CSV, out + "/gold");
    Timestamp decided =
        Timestamp.from(s.startDate().plusDays(s.days()).atStartOfDay().toInstant(ZoneOffset.UTC));
    Dataset<Row> adjudications =
        items
            .where(col("adjudicated"))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col("adjudicated_label").as(Columns.LABEL),
                concat(
                        lit("expert-"),
                        pmod(hash(col(Columns.ITEM_ID)), lit(3)).plus(1).cast("string"))
                    .as(Columns.EXPERT_ID),
                when(
                        col("question_raised_at").isNotNull(),
                        concat(
                            lit("answers the annotator's question: this is '"),
                            col("adjudicated_label"),
                            lit("'")))
                    .otherwise(lit("decided against the current guideline"))
                    .as(Columns.RATIONALE),
                coalesce(col("adjudicated_at"), lit(decided)).as(Columns.DECIDED_AT))
            .coalesce(1);
    LandingWriter.write(adjudications, LandingFormat.JSON, out + "/adjudications");
    LandingWriter.writeSmallFile(
        spark.sparkContext().hadoopConfiguration(),
        out + "/schemas/label_schemas.jsonl",
        schemaLines(s));
    LandingWriter.writeSmallFile(
        spark.sparkContext().hadoopConfiguration(),
        out + "/guidelines/guidelines.jsonl",
        guidelineLines(s));
  }

  /**
   * The guideline change the simulator makes half way: v1 from the start, v2 from the midpoint,
   * redefining each step's second label with relabel policy "affected", so items whose v1 answers
   * gave that label and have too few v2 answers wait in relabel_queue.
   */
  private static List<String> guidelineLines(SimulatorSettings s) {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    java.time.Instant start = s.startDate().atStartOfDay().toInstant(ZoneOffset.UTC);
    java.time.Instant mid = start.plusMillis(java.time.Duration.ofDays(s.days()).toMillis() / 2);
    for (int p = 0; p < s.projects(); p++) {
      for (int st = 0; st < s.steps(); st++) {
        for (String version : List.of("v1", "v2")) {
          ObjectNode n = json.createObjectNode();
          n.put("project_id", CrowdSimulator.projectId(p));
          n.put("step", CrowdSimulator.stepName(st));
          n.put("guideline_version", version);
          n.put("effective_at", (version.equals("v1") ? start : mid).toString());
          if (version.equals("v2")) {
            n.putArray("labels_redefined").add(CrowdSimulator.labels(st, s.classes()).get(1));
            n.put("relabel_policy", "affected");
            n.put("notes", "second label redefined; v1 answers giving it are relabeled");
          } else {
            n.put("relabel_policy", "none");
          }
          lines.add(n.toString());
        }
      }
    }
    return lines;
  }

  private static void progress(long started, String step) {
    System.err.printf("[generate] %s | %.1fs elapsed%n", step, (System.nanoTime() - started) / 1e9);
  }

  private static List<String> schemaLines(SimulatorSettings s) {
    List<String> lines = new ArrayList<>();
    for (int p = 0; p < s.projects(); p++) {
      for (int st = 0; st < s.steps(); st++) {
        for (String version : VERSIONS) {
          // the second project decides by the three-way rule (docs/OPERATIONS-MODEL.md), so the
          // demo shows both policies
          lines.add(
              schemaLine(
                  CrowdSimulator.projectId(p),
                  CrowdSimulator.stepName(st),
                  version,
                  st == 1 ? "ordinal" : "categorical",
                  CrowdSimulator.labels(st, s.classes()),
                  2,
                  p == 1 ? "votes" : null));
        }
      }
    }
    return lines;
  }

  /** The guideline versions every simulated step has a label schema for. */
  private static final List<String> VERSIONS = List.of("v1", "v2");

  /** A simulated step's label schema, one per guideline version, into its landing's schema file. */
  private static void writeStepSchemas(
      SparkSession spark,
      StepLanding landing,
      String project,
      String step,
      String labelType,
      List<String> labels,
      int minAnnotators,
      String policy) {
    List<String> lines = new ArrayList<>();
    for (String version : VERSIONS) {
      lines.add(schemaLine(project, step, version, labelType, labels, minAnnotators, policy));
    }
    LandingWriter.writeSmallFile(
        spark.sparkContext().hadoopConfiguration(), landing.schemaFile(), lines);
  }

  /** One label_schemas landing line (accept threshold 0.8; policy null: the default). */
  private static String schemaLine(
      String project,
      String step,
      String version,
      String labelType,
      List<String> labels,
      int minAnnotators,
      String policy) {
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("project_id", project);
    n.put("step", step);
    n.put("guideline_version", version);
    n.put("label_type", labelType);
    labels.forEach(n.putArray("labels")::add);
    n.put("min_annotators", minAnnotators);
    n.put("accept_threshold", 0.8);
    if (policy != null) {
      n.put("decision_policy", policy);
    }
    return n.toString();
  }

  private static Dataset<Row> workers(SparkSession spark, WorkerPool pool, AnomalyPlan plan) {
    StructType schema =
        new StructType()
            .add("worker_id", DataTypes.StringType)
            .add("archetype", DataTypes.StringType)
            .add("is_bad", DataTypes.BooleanType)
            .add("expected_accuracy", DataTypes.DoubleType)
            .add("median_duration_ms", DataTypes.LongType)
            .add("injected_role", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int w = 0; w < pool.size(); w++) {
      rows.add(
          RowFactory.create(
              pool.id(w),
              pool.archetype(w).name(),
              pool.archetype(w).isBad(),
              pool.accuracy(w),
              pool.archetype(w).medianDurationMs(),
              plan.role(w) == null ? null : plan.role(w).name()));
    }
    return spark.createDataFrame(rows, schema);
  }

  /**
   * Every injected anomaly as (entity_type, entity_id, code): annotation-level ones from the
   * records (those ingestion keeps), worker- and pair-level ones from the plan, for workers with
   * answers.
   */
  private static Dataset<Row> anomalies(
      SparkSession spark,
      WorkerPool pool,
      AnomalyPlan plan,
      Dataset<Row> marked,
      java.util.Set<String> active) {
    StructType schema =
        new StructType()
            .add("entity_type", DataTypes.StringType)
            .add("entity_id", DataTypes.StringType)
            .add("code", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (String[] t : plan.workerTruth(pool)) {
      if (java.util.Arrays.stream(t[1].split("\\|")).allMatch(active::contains)) {
        rows.add(RowFactory.create((Object[]) t));
      }
    }
    Dataset<Row> annotationLevel =
        marked
            .where(col("anomaly").isNotNull().and(col("bad_kind").isNull()))
            .select(
                lit("annotation").as(Columns.ENTITY_TYPE),
                col(Columns.ANNOTATION_ID).as(Columns.ENTITY_ID),
                col("anomaly").as(Columns.CODE));
    return spark.createDataFrame(rows, schema).unionByName(annotationLevel);
  }

  private static String summary(SimulatorSettings s, Result r) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode n = json.createObjectNode();
    n.set(
        "settings",
        json.valueToTree(
            Map.ofEntries(
                Map.entry("annotations", s.annotations()),
                Map.entry("seed", s.seed()),
                Map.entry("projects", s.projects()),
                Map.entry("steps", s.steps()),
                Map.entry("classes", s.classes()),
                Map.entry("workers", r.workers()),
                Map.entry("redundancy", s.redundancy()),
                Map.entry("gold_share", s.goldShare()),
                Map.entry("bad_rate", s.badRate()),
                Map.entry("start_date", s.startDate().toString()),
                Map.entry("days", s.days()))));
    n.put("format", r.format());
    n.put("records", r.records());
    n.put("units", r.units());
    long bad = Counts.total(r.badRecords());
    n.put("expected_silver_annotations", r.records() - bad);
    n.set("expected_rejects_by_reason", json.valueToTree(r.badRecords()));
    return n.toString();
  }
}
