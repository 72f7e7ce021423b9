package io.annolake.common.schema;

/**
 * Why a landing record or a whole landing file was rejected; stored in {@code
 * rejected_records.reason_code} and {@code ingested_files.reason_code} (see docs/INGEST.md).
 */
public enum ReasonCode {
  /** The file, or a part of it (a damaged batch, page or compressed stream), cannot be read. */
  UNREADABLE_FILE,
  /** The file's extension names no format ingest reads, or another one than --format. */
  UNSUPPORTED_FORMAT,
  /** The bytes are not valid in the source's encoding (annolake.ingest.encoding, --encoding). */
  INVALID_ENCODING,
  /** A CSV file whose first line names none of the kind's fields: it has no header row. */
  MISSING_HEADER,
  /** Two columns (or JSON keys) map to the same field, e.g. worker and worker_id. */
  AMBIGUOUS_COLUMNS,
  /** The line is not valid JSON / CSV, or has the wrong number of fields. */
  MALFORMED_RECORD,
  /** A required field (named in the detail) is absent or blank. */
  MISSING_REQUIRED_FIELD,
  /** A field does not parse as its type (timestamp, number, enumeration). */
  INVALID_VALUE,
  /** Submitted before started, in the future, before the earliest instant, or implausibly long. */
  IMPOSSIBLE_TIMESTAMP,
  /** The label is not allowed by the project's label schema for that step and guideline. */
  UNKNOWN_LABEL,
  /** An exact copy of another record with the same key (same content and revision). */
  DUPLICATE_RECORD,
  /** A later revision of the same annotation_id exists (in this batch or already ingested). */
  SUPERSEDED_REVISION,
  /**
   * Same key and revision as another record but different content; the latest submitted is kept.
   */
  CONFLICTING_REVISION
}
