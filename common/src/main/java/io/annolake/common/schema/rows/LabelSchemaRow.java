package io.annolake.common.schema.rows;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import java.util.List;

/**
 * A label_schemas row as consensus and agreement read it: a step's labels in the schema's order and
 * its decision settings under one guideline version.
 *
 * @param labels null when the schema has none (free-text steps)
 * @param minAnnotators null when the schema leaves it to the configuration
 * @param acceptThreshold null when the schema leaves it to the configuration
 * @param decisionPolicy null when the schema names none (and in tables written before the column)
 */
public record LabelSchemaRow(
    String projectId,
    String step,
    String guidelineVersion,
    List<String> labels,
    Integer minAnnotators,
    Double acceptThreshold,
    String decisionPolicy) {

  public static final TableReader<LabelSchemaRow> READER =
      new TableReader<>(
          Tables.LABEL_SCHEMAS,
          List.of(
              Columns.PROJECT_ID,
              Columns.STEP,
              Columns.GUIDELINE_VERSION,
              Columns.LABELS,
              Columns.MIN_ANNOTATORS,
              Columns.ACCEPT_THRESHOLD,
              Columns.DECISION_POLICY),
          r ->
              new LabelSchemaRow(
                  r.getAs(Columns.PROJECT_ID),
                  r.getAs(Columns.STEP),
                  r.getAs(Columns.GUIDELINE_VERSION),
                  Rows.listOrNull(r, Columns.LABELS),
                  r.getAs(Columns.MIN_ANNOTATORS),
                  r.getAs(Columns.ACCEPT_THRESHOLD),
                  r.getAs(Columns.DECISION_POLICY)));
}
