package io.annolake.common.schema;

import java.util.List;

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
  // gold
  public static final String AGREEMENT_SUMMARY = "agreement_summary";
  public static final String ITEM_AGREEMENT = "item_agreement";
  public static final String WORKER_PAIR_AGREEMENT = "worker_pair_agreement";
  public static final String WORKER_AGREEMENT = "worker_agreement";
  public static final String CONSENSUS_LABELS = "consensus_labels";
  public static final String ESCALATIONS = "escalations";
  public static final String WORKER_SKILLS = "worker_skills";
  // ops
  public static final String PIPELINE_RUNS = "pipeline_runs";

  /** Every table this version of annolake writes, in pipeline order. */
  public static final List<String> ALL =
      List.of(
          RAW_ANNOTATIONS,
          REJECTED_RECORDS,
          INGESTED_FILES,
          ANNOTATIONS,
          GOLD_LABELS,
          ADJUDICATIONS,
          LABEL_SCHEMAS,
          AGREEMENT_SUMMARY,
          ITEM_AGREEMENT,
          WORKER_PAIR_AGREEMENT,
          WORKER_AGREEMENT,
          CONSENSUS_LABELS,
          ESCALATIONS,
          WORKER_SKILLS,
          PIPELINE_RUNS);

  private Tables() {}
}
