package io.annolake.common.schema;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The kinds of landing record, each with its canonical fields (all read as strings in bronze), the
 * fields it requires, the aliases public datasets use, and its silver table.
 */
public enum RecordKind {
  ANNOTATIONS(
      Tables.ANNOTATIONS,
      List.of(
          "annotation_id",
          "project_id",
          "item_id",
          "step",
          "worker_id",
          "worker_type",
          "label",
          "guideline_version",
          "started_at",
          "submitted_at",
          "duration_ms",
          "prelabel",
          "prelabel_model",
          "cost",
          "revision"),
      List.of("project_id", "item_id", "worker_id", "label")),
  GOLD(
      Tables.GOLD_LABELS,
      List.of("project_id", "step", "item_id", "label", "guideline_version"),
      List.of("project_id", "item_id", "label")),
  ADJUDICATIONS(
      Tables.ADJUDICATIONS,
      List.of("project_id", "step", "item_id", "label", "expert_id", "rationale", "decided_at"),
      List.of("project_id", "item_id", "label", "expert_id")),
  SCHEMA(
      Tables.LABEL_SCHEMAS,
      List.of(
          "project_id",
          "step",
          "guideline_version",
          "label_type",
          "labels",
          "min_annotators",
          "accept_threshold",
          "decision_policy"),
      List.of("project_id", "label_type", "labels")),
  /**
   * A guideline version coming into force: the labels it adds, removes and redefines (JSON arrays)
   * and which items answered under earlier versions must be relabeled (none, affected, all).
   */
  GUIDELINE(
      Tables.GUIDELINES,
      List.of(
          "project_id",
          "step",
          "guideline_version",
          "effective_at",
          "labels_added",
          "labels_removed",
          "labels_redefined",
          "relabel_policy",
          "notes"),
      List.of("project_id", "guideline_version", "effective_at")),
  /**
   * An annotator's question about an item (a flag raised while labeling it): who asked, what, and
   * when. Feeds the edge-case library (docs/OPERATIONS-MODEL.md).
   */
  FLAG(
      Tables.ANNOTATOR_QUESTIONS,
      List.of("project_id", "step", "item_id", "worker_id", "question_text", "raised_at"),
      List.of("project_id", "item_id", "worker_id", "question_text"));

  /** Column names public crowd datasets and tool exports use for our canonical fields. */
  public static final Map<String, String> ALIASES =
      Map.ofEntries(
          Map.entry("item", "item_id"),
          Map.entry("task", "item_id"),
          Map.entry("task_id", "item_id"),
          Map.entry("question", "item_id"),
          Map.entry("worker", "worker_id"),
          Map.entry("annotator", "worker_id"),
          Map.entry("annotator_id", "worker_id"),
          Map.entry("performer", "worker_id"),
          Map.entry("answer", "label"),
          Map.entry("response", "label"),
          Map.entry("truth", "label"),
          Map.entry("gold", "label"),
          Map.entry("project", "project_id"),
          Map.entry("expert", "expert_id"),
          // annotators' questions (flags) as labeling tools export them
          Map.entry("text", "question_text"),
          Map.entry("comment", "question_text"),
          Map.entry("message", "question_text"),
          Map.entry("flag_text", "question_text"),
          Map.entry("created_at", "raised_at"),
          Map.entry("flagged_at", "raised_at"),
          Map.entry("asked_at", "raised_at"));

  // "id" is deliberately not an alias of annotation_id: exports number rows 1, 2, ... per file,
  // and such ids would collide across files; records without annotation_id get a content hash.

  private final String table;
  private final List<String> fields;
  private final List<String> required;

  RecordKind(String table, List<String> fields, List<String> required) {
    this.table = table;
    this.fields = fields;
    this.required = required;
  }

  /** The silver table records of this kind land in. */
  public String table() {
    return table;
  }

  /** Canonical fields, in order. */
  public List<String> fields() {
    return fields;
  }

  /** Fields that must be present and non-blank after defaults are applied. */
  public List<String> required() {
    return required;
  }

  /** The canonical field a source column name maps to, or null when it is not one of ours. */
  public String canonical(String sourceColumn) {
    String name = sourceColumn.trim().toLowerCase(Locale.ROOT);
    if (fields.contains(name)) {
      return name;
    }
    String alias = ALIASES.get(name);
    return alias != null && fields.contains(alias) ? alias : null;
  }

  /** Parses the --kind option value. */
  public static RecordKind parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "annotations" -> ANNOTATIONS;
      case "gold", "gold_labels" -> GOLD;
      case "adjudications" -> ADJUDICATIONS;
      case "schema", "schemas", "label_schemas" -> SCHEMA;
      case "guideline", "guidelines" -> GUIDELINE;
      case "flag", "flags", "questions", "annotator_questions" -> FLAG;
      default ->
          throw new io.annolake.common.config.ConfigException(
              "Invalid value '"
                  + value
                  + "' for option '--kind': expected annotations, gold, adjudications, schema, guideline or flag");
    };
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
