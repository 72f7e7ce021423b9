package io.annolake.common.schema.rows;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * A guidelines row as the guideline-version rules read it: when a version took effect and which
 * labels it removed or redefined (empty lists when none).
 *
 * @param relabelPolicy as written, null when the guideline names none
 */
public record GuidelineRow(
    String projectId,
    String step,
    String guidelineVersion,
    Instant effectiveAt,
    List<String> labelsRemoved,
    List<String> labelsRedefined,
    String relabelPolicy) {

  public static final TableReader<GuidelineRow> READER =
      new TableReader<>(
          Tables.GUIDELINES,
          List.of(
              Columns.PROJECT_ID,
              Columns.STEP,
              Columns.GUIDELINE_VERSION,
              Columns.EFFECTIVE_AT,
              Columns.LABELS_REMOVED,
              Columns.LABELS_REDEFINED,
              Columns.RELABEL_POLICY),
          r ->
              new GuidelineRow(
                  r.getAs(Columns.PROJECT_ID),
                  r.getAs(Columns.STEP),
                  r.getAs(Columns.GUIDELINE_VERSION),
                  Rows.instant(r.<Timestamp>getAs(Columns.EFFECTIVE_AT)),
                  Rows.list(r, Columns.LABELS_REMOVED),
                  Rows.list(r, Columns.LABELS_REDEFINED),
                  r.getAs(Columns.RELABEL_POLICY)));
}
