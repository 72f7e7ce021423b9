package io.annolake.common.schema;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Names of the lakehouse tables: the public table contract (see docs/ARCHITECTURE.md). */
public final class Tables {
  // bronze
  public static final String RAW_ANNOTATIONS = "raw_annotations";
  public static final String REJECTED_RECORDS = "rejected_records";
  public static final String INGESTED_FILES = "ingested_files";
  // silver
  public static final String ANNOTATIONS = "annotations";
  public static final String GOLD_LABELS = "gold_labels";
  public static final String ADJUDICATIONS = "adjudications";
  public static final String LABEL_SCHEMAS = "label_schemas";

  /** Guideline versions per project and step: effective time, label changes, relabel policy. */
  public static final String GUIDELINES = "guidelines";

  /** Annotators' questions about items (ingest --kind flag): worker, text, time. */
  public static final String ANNOTATOR_QUESTIONS = "annotator_questions";

  // gold
  public static final String AGREEMENT_SUMMARY = "agreement_summary";
  public static final String ITEM_AGREEMENT = "item_agreement";
  public static final String WORKER_PAIR_AGREEMENT = "worker_pair_agreement";
  public static final String WORKER_AGREEMENT = "worker_agreement";
  public static final String CONSENSUS_LABELS = "consensus_labels";
  public static final String ESCALATIONS = "escalations";
  public static final String WORKER_SKILLS = "worker_skills";

  /**
   * Items whose label rests on answers under a superseded guideline version, to be answered again.
   */
  public static final String RELABEL_QUEUE = "relabel_queue";

  /**
   * Active workers per project, step and class, ranked by demonstrated strength (the routing job).
   */
  public static final String WORKER_ROUTING = "worker_routing";

  /**
   * The edge-case library: per item with a question, an expert's rationale or a contest, the
   * questions, the resolution and its status (open, resolved, folded into a guideline version).
   */
  public static final String EDGE_CASES = "edge_cases";

  /** Per item and label of a multi-label step: present or not, its posterior and decision. */
  public static final String LABEL_PRESENCE = "label_presence";

  /** Per project and item of a configured step pipeline: each step's label, verification, done. */
  public static final String COMPOSITE_LABELS = "composite_labels";

  // gold: worker quality
  public static final String WORKER_QUALITY = "worker_quality";
  public static final String WORKER_STATUS_EVENTS = "worker_status_events";
  public static final String WORKER_STATUS_INTERVALS = "worker_status_intervals";
  public static final String PAUSED_WORKERS = "paused_workers";
  public static final String GOLD_ITEM_HEALTH = "gold_item_health";

  /**
   * Quality leads' reinstatements of paused workers (landed with worker-quality --reinstate-file).
   */
  public static final String WORKER_REINSTATEMENTS = "worker_reinstatements";

  // gold: anomalies
  /** One row per flag: entity, project, step, code, severity, score, evidence JSON, window, run. */
  public static final String ANOMALY_FLAGS = "anomaly_flags";

  /**
   * Per worker, project, step and day: volume, median duration, entropy, gold accuracy, agreement.
   */
  public static final String WORKER_DAILY_METRICS = "worker_daily_metrics";

  // gold: training snapshots
  /**
   * One row per snapshot taken: id, project, content hash, rows, source version, path, manifest
   * JSON, created_at.
   */
  public static final String TRAINING_SNAPSHOTS = "training_snapshots";

  // gold: operations (the report's daily figures)
  /** Per project, step and day: answers, items, decisions, outcomes, backlog, cost, pre-labels. */
  public static final String OPERATIONS_DAILY = "operations_daily";

  // ops
  public static final String PIPELINE_RUNS = "pipeline_runs";

  /**
   * Audit of erasures (annolake erase): when, what, rows changed per table; never the erased id.
   */
  public static final String ERASURES = "erasures";

  /** Tables ingest writes. */
  public static final List<String> INGEST =
      List.of(
          RAW_ANNOTATIONS,
          REJECTED_RECORDS,
          INGESTED_FILES,
          ANNOTATIONS,
          GOLD_LABELS,
          ADJUDICATIONS,
          LABEL_SCHEMAS,
          GUIDELINES,
          ANNOTATOR_QUESTIONS);

  /** Tables the worker-quality job writes. */
  public static final List<String> WORKER_QUALITY_TABLES =
      List.of(
          WORKER_QUALITY,
          WORKER_STATUS_EVENTS,
          WORKER_STATUS_INTERVALS,
          PAUSED_WORKERS,
          GOLD_ITEM_HEALTH,
          WORKER_REINSTATEMENTS);

  /** Tables the agreement job writes. */
  public static final List<String> AGREEMENT_TABLES =
      List.of(AGREEMENT_SUMMARY, ITEM_AGREEMENT, WORKER_PAIR_AGREEMENT, WORKER_AGREEMENT);

  /** Tables the consensus job writes. */
  public static final List<String> CONSENSUS_TABLES =
      List.of(CONSENSUS_LABELS, ESCALATIONS, WORKER_SKILLS, RELABEL_QUEUE);

  /** Tables the anomalies job writes (schemas in {@link AnomalySchemas}). */
  public static final List<String> ANOMALY_TABLES = List.of(WORKER_DAILY_METRICS, ANOMALY_FLAGS);

  /** Tables the operations job writes (schema in io.annolake.common.report.OperationsDaily). */
  public static final List<String> OPERATIONS_TABLES = List.of(OPERATIONS_DAILY);

  /** Every table this version of annolake writes, in pipeline order. */
  public static final List<String> ALL =
      java.util.stream.Stream.of(
              INGEST,
              WORKER_QUALITY_TABLES,
              AGREEMENT_TABLES,
              CONSENSUS_TABLES,
              ANOMALY_TABLES,
              List.of(WORKER_ROUTING),
              List.of(EDGE_CASES, LABEL_PRESENCE, COMPOSITE_LABELS),
              OPERATIONS_TABLES,
              List.of(TRAINING_SNAPSHOTS, PIPELINE_RUNS))
          .flatMap(List::stream)
          .toList();

  /**
   * Columns Delta keeps min/max statistics of (data skipping) in the large tables, set when the
   * table is created. Derived tables: step only. Their files hold rows in item hash order, so any
   * column that varies within a run's output (item id, label, decision, confidence, priority,
   * guideline version, day) spans its whole range in every file and skips nothing, while Delta
   * compares and copies each such value per row for its min/max. Project is the partition column
   * (pruned without statistics). Ingested annotations: the columns reads filter on (a batch, a
   * project, a window of submission times); Delta's default would also copy every row's landing
   * text, ids and labels (a fifth of the bronze write's CPU at 10M). Tables not listed keep Delta's
   * default, the first 32 columns.
   */
  public static final Map<String, List<String>> STATS_COLUMNS =
      Map.of(
          ITEM_AGREEMENT, List.of(Columns.STEP),
          WORKER_PAIR_AGREEMENT, List.of(Columns.STEP),
          CONSENSUS_LABELS, List.of(Columns.STEP),
          ESCALATIONS, List.of(Columns.STEP),
          RAW_ANNOTATIONS, List.of(Columns.PROJECT_ID, Columns.BATCH_ID, Columns.INGESTED_AT),
          ANNOTATIONS,
              List.of(Columns.PROJECT_ID, Columns.STEP, Columns.SUBMITTED_AT, Columns.BATCH_ID));

  /**
   * Derived tables partitioned by project_id: a run for one project replaces or adds files of its
   * own partition only, so Delta proves runs for different projects disjoint and never fails one of
   * them on the other's commit.
   */
  public static final Set<String> PARTITIONED =
      Set.of(
          WORKER_QUALITY,
          WORKER_STATUS_EVENTS,
          WORKER_STATUS_INTERVALS,
          PAUSED_WORKERS,
          GOLD_ITEM_HEALTH,
          WORKER_REINSTATEMENTS,
          AGREEMENT_SUMMARY,
          ITEM_AGREEMENT,
          WORKER_PAIR_AGREEMENT,
          WORKER_AGREEMENT,
          CONSENSUS_LABELS,
          ESCALATIONS,
          WORKER_SKILLS,
          ANOMALY_FLAGS,
          WORKER_DAILY_METRICS,
          OPERATIONS_DAILY,
          RELABEL_QUEUE,
          WORKER_ROUTING,
          EDGE_CASES,
          LABEL_PRESENCE,
          COMPOSITE_LABELS);

  /**
   * Current-state tables: each holds the state as of the latest logical date its job ran for (rows
   * carry {@code as_of_date}); a backfill of an older date computes its result but keeps the newer
   * state (io.annolake.common.io.StateGuard). The day-keyed tables ({@link #DAY_ROWS}), the
   * windowed flags and the append-only logs are keyed by date already and are not in this set.
   */
  public static final Set<String> STATE =
      Set.of(
          WORKER_QUALITY,
          WORKER_STATUS_INTERVALS,
          PAUSED_WORKERS,
          GOLD_ITEM_HEALTH,
          AGREEMENT_SUMMARY,
          ITEM_AGREEMENT,
          WORKER_PAIR_AGREEMENT,
          WORKER_AGREEMENT,
          CONSENSUS_LABELS,
          ESCALATIONS,
          WORKER_SKILLS,
          RELABEL_QUEUE,
          WORKER_ROUTING,
          EDGE_CASES,
          LABEL_PRESENCE,
          COMPOSITE_LABELS);

  /**
   * Day-keyed tables whose job rewrites a window of days up to its logical date (operations: every
   * day; anomalies: its detection window), so a day's row is recomputed by the runs of later dates
   * with what they know. Each row carries the date of the run that wrote it ({@code asOf}); a
   * backfill replaces only the rows no run for a later date wrote (LakehouseRun#overwrite).
   */
  public record DayRows(List<String> key, String asOf) {}

  public static final Map<String, DayRows> DAY_ROWS =
      Map.of(
          OPERATIONS_DAILY,
          new DayRows(List.of(Columns.PROJECT_ID, "step", "day"), "logical_date"),
          WORKER_DAILY_METRICS,
          new DayRows(List.of(Columns.PROJECT_ID, "step", "worker_id", "day"), Columns.AS_OF_DATE));

  /**
   * Silver tables the jobs read as inputs. Like a current-state table, a run reads each as it was
   * at the end of its logical date when a run for a later date has written it since, so a backfill
   * sees the answers, gold, adjudications, schemas and guidelines its date saw, not those landed
   * later (io.annolake.common.io.StateGuard#versionAsOf).
   */
  public static final Set<String> SILVER_INPUTS =
      Set.of(
          ANNOTATIONS, GOLD_LABELS, ADJUDICATIONS, LABEL_SCHEMAS, GUIDELINES, ANNOTATOR_QUESTIONS);

  private Tables() {}
}
