package io.annolake.common.agreement;

import java.io.Serializable;

/**
 * One agreement coefficient of one slice. A coefficient that could not be computed keeps its row:
 * {@code value} is NaN and {@code status}/{@code error} say why.
 *
 * @param metric e.g. {@code krippendorff_alpha}, {@code fleiss_kappa}
 * @param level the level of measurement for alpha, else {@code nominal}
 * @param value the point estimate, NaN when not computed
 * @param standardError the analytic standard error where one exists, else NaN
 * @param ciLower lower bound of the bootstrap interval, NaN without bootstrap
 * @param ciUpper upper bound of the bootstrap interval, NaN without bootstrap
 * @param items items the coefficient is computed on
 * @param annotations annotations (values) the coefficient is computed on
 * @param status OK or why not
 * @param error a message for a status other than OK, else null
 * @param note which subset was used, when not all items (e.g. Fleiss' modal number of raters)
 */
public record Coefficient(
    String metric,
    Level level,
    double value,
    double standardError,
    double ciLower,
    double ciUpper,
    long items,
    long annotations,
    Status status,
    String error,
    String note)
    implements Serializable {

  public static final String KRIPPENDORFF_ALPHA = "krippendorff_alpha";
  public static final String FLEISS_KAPPA = "fleiss_kappa";
  public static final String GWET_AC1 = "gwet_ac1";
  public static final String SCOTT_PI = "scott_pi";
  public static final String PERCENT_AGREEMENT = "percent_agreement";
  public static final String COHEN_KAPPA = "cohen_kappa";

  /** A computed value without interval. */
  public static Coefficient ok(
      String metric,
      Level level,
      double value,
      double standardError,
      long items,
      long annotations,
      String note) {
    return new Coefficient(
        metric,
        level,
        value,
        standardError,
        Double.NaN,
        Double.NaN,
        items,
        annotations,
        Status.OK,
        null,
        note);
  }

  /** A coefficient that could not be computed. */
  public static Coefficient failed(
      String metric, Level level, Status status, String error, long items, long annotations) {
    return new Coefficient(
        metric,
        level,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        items,
        annotations,
        status,
        error,
        null);
  }

  public boolean isOk() {
    return status == Status.OK;
  }

  /** This coefficient with a confidence interval. */
  public Coefficient withInterval(double lower, double upper) {
    return new Coefficient(
        metric, level, value, standardError, lower, upper, items, annotations, status, error, note);
  }
}
