package io.annolake.common.schema.rows;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;

/**
 * An agreement_summary row as the agreement job's printout and the report read it: one coefficient
 * of one slice.
 *
 * @param day null for the slice over every day
 * @param value null when the coefficient could not be computed ({@code status} and {@code error}
 *     say why)
 * @param ciLower null without resamples
 * @param ciUpper null without resamples
 */
public record AgreementSummaryRow(
    String projectId,
    String step,
    String guidelineVersion,
    LocalDate day,
    String metric,
    String level,
    Double value,
    Double ciLower,
    Double ciUpper,
    String status,
    String error) {

  public static final TableReader<AgreementSummaryRow> READER =
      new TableReader<>(
          Tables.AGREEMENT_SUMMARY,
          List.of(
              Columns.PROJECT_ID,
              Columns.STEP,
              Columns.GUIDELINE_VERSION,
              Columns.DAY,
              Columns.METRIC,
              Columns.LEVEL,
              Columns.VALUE,
              Columns.CI_LOWER,
              Columns.CI_UPPER,
              Columns.STATUS,
              Columns.ERROR),
          r ->
              new AgreementSummaryRow(
                  r.getAs(Columns.PROJECT_ID),
                  r.getAs(Columns.STEP),
                  r.getAs(Columns.GUIDELINE_VERSION),
                  Rows.date(r.<Date>getAs(Columns.DAY)),
                  r.getAs(Columns.METRIC),
                  r.getAs(Columns.LEVEL),
                  r.getAs(Columns.VALUE),
                  r.getAs(Columns.CI_LOWER),
                  r.getAs(Columns.CI_UPPER),
                  r.getAs(Columns.STATUS),
                  r.getAs(Columns.ERROR)));

  /** The coefficient with its interval; a bound not computed (no resamples) is the value itself. */
  public double[] interval() {
    return new double[] {
      ciLower == null ? value : ciLower, value, ciUpper == null ? value : ciUpper
    };
  }
}
