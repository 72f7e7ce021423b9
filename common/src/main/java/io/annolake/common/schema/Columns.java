package io.annolake.common.schema;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Column names shared by every table, and the schema of the landing DataFrame. */
public final class Columns {
  public static final String RUN_ID = "run_id";

  /** The logical date a current-state table's row was computed for (see Tables.STATE). */
  public static final String AS_OF_DATE = "as_of_date";

  public static final String PROJECT_ID = "project_id";
  public static final String SOURCE_FILE = "source_file";

  /** Byte offset of the line in text files; row index in Parquet and Arrow files. */
  public static final String SOURCE_POSITION = "source_position";

  public static final String SOURCE_FORMAT = "source_format";
  public static final String RAW_RECORD = "raw_record";
  public static final String MALFORMED = "malformed";
  public static final String MALFORMED_DETAIL = "malformed_detail";
  public static final String INGESTED_AT = "ingested_at";
  public static final String REASON_CODE = "reason_code";
  public static final String DETAIL = "detail";

  // The other columns of the table contract (tables.txt) that column expressions name;
  // TableContractTest checks that every constant here is a column of some table.
  public static final String ACCEPT_THRESHOLD = "accept_threshold";
  public static final String ACCURACY = "accuracy";
  public static final String ADJUDICATED_BY = "adjudicated_by";
  public static final String ANNOTATION_ID = "annotation_id";
  public static final String ANNOTATION_IDS = "annotation_ids";
  public static final String ANNOTATIONS = "annotations";
  public static final String ANSWERED_CORRECT = "answered_correct";
  public static final String ANSWERS = "answers";
  public static final String ANSWERS_NEEDED = "answers_needed";
  public static final String AS_OF = "as_of";
  public static final String BATCH_ID = "batch_id";
  public static final String CANDIDATES = "candidates";
  public static final String CI_HIGH = "ci_high";
  public static final String CI_LOW = "ci_low";
  public static final String CI_LOWER = "ci_lower";
  public static final String CI_UPPER = "ci_upper";
  public static final String CLASS_RECALL = "class_recall";
  public static final String CODE = "code";
  public static final String CODE_VERSION = "code_version";
  public static final String CONTENT_HASH = "content_hash";
  public static final String COMPLETE = "complete";
  public static final String CONFIDENCE = "confidence";
  public static final String CONFUSION = "confusion";
  public static final String CONSENSUS_AGREED = "consensus_agreed";
  public static final String CONSENSUS_AGREEMENT = "consensus_agreement";
  public static final String CONSENSUS_ANSWERS = "consensus_answers";
  public static final String CONTESTED = "contested";
  public static final String COST = "cost";
  public static final String CROWD_LABEL = "crowd_label";
  public static final String CURRENT_ANSWERS = "current_answers";
  public static final String DAY = "day";
  public static final String DECIDED_AT = "decided_at";
  public static final String DECISION = "decision";
  public static final String DECISION_POLICY = "decision_policy";
  public static final String DURATION_MS = "duration_ms";
  public static final String EFFECTIVE_AT = "effective_at";
  public static final String ENDED_AT = "ended_at";
  public static final String ENTITY_ID = "entity_id";
  public static final String ENTITY_TYPE = "entity_type";
  public static final String ENTROPY_BITS = "entropy_bits";
  public static final String ERROR = "error";
  public static final String ESCALATION_REASON = "escalation_reason";
  public static final String EVENT_AT = "event_at";
  public static final String EVENT_ID = "event_id";
  public static final String EVIDENCE = "evidence";
  public static final String EVIDENCE_ANSWERS = "evidence_answers";
  public static final String EVIDENCE_CI_HIGH = "evidence_ci_high";
  public static final String EVIDENCE_CI_LOW = "evidence_ci_low";
  public static final String EVIDENCE_CORRECT = "evidence_correct";
  public static final String EXPERT_ID = "expert_id";
  public static final String FILE_KEY = "file_key";
  public static final String FITTED_RECALL = "fitted_recall";
  public static final String FLAG_ID = "flag_id";
  public static final String FOLDED_AT = "folded_at";
  public static final String FOLDED_INTO_VERSION = "folded_into_version";
  public static final String FROM_STATUS = "from_status";
  public static final String GIVEN_LABEL = "given_label";
  public static final String GOLD_ACCURACY = "gold_accuracy";
  public static final String GOLD_ANSWERS = "gold_answers";
  public static final String GOLD_CORRECT = "gold_correct";
  public static final String GOLD_LABEL = "gold_label";
  public static final String GOLD_SHARE = "gold_share";
  public static final String GOLD_SHARE_STATUS = "gold_share_status";
  public static final String GOLD_SHARE_TARGET = "gold_share_target";
  public static final String GUIDELINE_VERSION = "guideline_version";
  public static final String GUIDELINE_VERSIONS = "guideline_versions";
  public static final String ITEM_ID = "item_id";
  public static final String JOB = "job";
  public static final String LABEL = "label";
  public static final String LABEL_ENTROPY_BITS = "label_entropy_bits";
  public static final String LABEL_TYPE = "label_type";
  public static final String LABELS = "labels";
  public static final String LABELS_ADDED = "labels_added";
  public static final String LABELS_JSON = "labels_json";
  public static final String LABELS_REDEFINED = "labels_redefined";
  public static final String LABELS_REMOVED = "labels_removed";
  public static final String LEAD_ID = "lead_id";
  public static final String LEVEL = "level";
  public static final String LOGICAL_DATE = "logical_date";
  public static final String MEDIAN_DURATION_MS = "median_duration_ms";
  public static final String METHOD = "method";
  public static final String METRIC = "metric";
  public static final String MIN_ANNOTATORS = "min_annotators";
  public static final String N_AGREEING = "n_agreeing";
  public static final String N_ANNOTATIONS = "n_annotations";
  public static final String N_ITEMS = "n_items";
  public static final String N_LABELS = "n_labels";
  public static final String NEEDS_REVIEW = "needs_review";
  public static final String NEW_VERSION = "new_version";
  public static final String NEXT_STEP = "next_step";
  public static final String NOTE = "note";
  public static final String NOTES = "notes";
  public static final String OLD_VERSIONS = "old_versions";
  public static final String OPENED_AT = "opened_at";
  public static final String OUTPUTS = "outputs";
  public static final String PARAMS = "params";
  public static final String PARAMS_HASH = "params_hash";
  public static final String PAUSED_SINCE = "paused_since";
  public static final String PEER_AGREED = "peer_agreed";
  public static final String PEER_AGREEMENT = "peer_agreement";
  public static final String PEER_COMPARISONS = "peer_comparisons";
  public static final String PERCENT_AGREEMENT = "percent_agreement";
  public static final String PIPELINE = "pipeline";
  public static final String PRELABEL = "prelabel";
  public static final String PRELABEL_MODEL = "prelabel_model";
  public static final String PRESENT = "present";
  public static final String PRIORITY = "priority";
  public static final String PROBABILITY = "probability";
  public static final String PROBABILITY_PRESENT = "probability_present";
  public static final String QUESTION_COUNT = "question_count";
  public static final String QUESTION_TEXT = "question_text";
  public static final String QUESTIONS = "questions";
  public static final String RAISED_AT = "raised_at";
  public static final String RAISED_UNDER_VERSION = "raised_under_version";
  public static final String RANK = "rank";
  public static final String RATIONALE = "rationale";
  public static final String REASON = "reason";
  public static final String RECENT_ACCURACY = "recent_accuracy";
  public static final String RECENT_ANSWERS = "recent_answers";
  public static final String RECENT_CI_HIGH = "recent_ci_high";
  public static final String RECENT_CI_LOW = "recent_ci_low";
  public static final String RECENT_CORRECT = "recent_correct";
  public static final String RECENT_DAYS = "recent_days";
  public static final String RECORD_KEY = "record_key";
  public static final String RECORD_KIND = "record_kind";
  public static final String RECORDED_AS_OF = "recorded_as_of";
  public static final String REINSTATED_AT = "reinstated_at";
  public static final String RELABEL_POLICY = "relabel_policy";
  public static final String REPEAT_WORKERS = "repeat_workers";
  public static final String REPEATED_GOLD_ITEMS = "repeated_gold_items";
  public static final String RESOLVED_AT = "resolved_at";
  public static final String RESOLVED_LABEL = "resolved_label";
  public static final String RETRAINING_STREAK = "retraining_streak";
  public static final String REVISION = "revision";
  public static final String REVISIONS = "revisions";
  public static final String SCHEMAS_VERSION = "schemas_version";
  public static final String SCORE = "score";
  public static final String SERVED = "served";
  public static final String SEVERITY = "severity";
  public static final String SILVER_VERSION = "silver_version";
  public static final String STARTED_AT = "started_at";
  public static final String STATUS = "status";
  public static final String STATUS_REASON = "status_reason";
  public static final String STATUS_SINCE = "status_since";
  public static final String STEP = "step";
  public static final String STEPS = "steps";
  public static final String SUBMITTED_AT = "submitted_at";
  public static final String SUPERSEDED_ANNOTATION_IDS = "superseded_annotation_ids";
  public static final String THRESHOLD = "threshold";
  public static final String TO_STATUS = "to_status";
  public static final String TOP_LABEL = "top_label";
  public static final String TOP_LABEL_SHARE = "top_label_share";
  public static final String TRUE_LABEL = "true_label";
  public static final String VALID_FROM = "valid_from";
  public static final String VALID_TO = "valid_to";
  public static final String VALUE = "value";
  public static final String VERIFICATION_OUTCOME = "verification_outcome";
  public static final String VERIFICATIONS = "verifications";
  public static final String WINDOW_ACCURACY = "window_accuracy";
  public static final String WINDOW_ANSWERS = "window_answers";
  public static final String WINDOW_CI_HIGH = "window_ci_high";
  public static final String WINDOW_CI_LOW = "window_ci_low";
  public static final String WINDOW_CORRECT = "window_correct";
  public static final String WINDOW_END = "window_end";
  public static final String WINDOW_START = "window_start";
  public static final String WORKER_ID = "worker_id";
  public static final String WORKER_TYPE = "worker_type";
  public static final String WORKERS = "workers";

  /** The columns every landing reader adds to a kind's canonical string fields. */
  public static StructType landingSchema(RecordKind kind) {
    List<StructField> fields = new ArrayList<>();
    for (String f : kind.fields()) {
      fields.add(DataTypes.createStructField(f, StringType, true));
    }
    fields.add(DataTypes.createStructField(SOURCE_FILE, StringType, false));
    fields.add(DataTypes.createStructField(SOURCE_POSITION, LongType, false));
    fields.add(DataTypes.createStructField(SOURCE_FORMAT, StringType, false));
    fields.add(DataTypes.createStructField(RAW_RECORD, StringType, true));
    fields.add(DataTypes.createStructField(MALFORMED, BooleanType, false));
    fields.add(DataTypes.createStructField(MALFORMED_DETAIL, StringType, true));
    return DataTypes.createStructType(fields);
  }

  /** The rejected_records table. */
  public static final StructType REJECTED =
      new StructType()
          .add("record_kind", StringType, false)
          .add(SOURCE_FILE, StringType, false)
          .add(SOURCE_POSITION, LongType, false)
          .add(SOURCE_FORMAT, StringType, false)
          .add(RAW_RECORD, StringType, true)
          .add("record_key", StringType, true)
          .add("project_id", StringType, true)
          .add(REASON_CODE, StringType, false)
          .add(DETAIL, StringType, true)
          .add(RUN_ID, StringType, false)
          .add(INGESTED_AT, TimestampType, false);

  private Columns() {}
}
