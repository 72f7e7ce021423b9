package io.annolake.common.report;

/**
 * The one place the report turns identities into text. Worker ids reach it already pseudonymized
 * when the configuration asks for it (ReportJob reads every table through WorkerPseudonyms).
 */
public final class Display {
  private Display() {}

  /** Longest text shown in one place; longer values end with an ellipsis and their length. */
  public static final int MAX_TEXT = 160;

  /**
   * Text capped at {@link #MAX_TEXT} characters (by code point), saying how long it was; "-" for
   * null.
   */
  public static String text(String s) {
    if (s == null) {
      return "-";
    }
    int points = s.codePointCount(0, s.length());
    if (points <= MAX_TEXT) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, MAX_TEXT))
        + "\u2026 ("
        + String.format(java.util.Locale.ROOT, "%,d", points)
        + " characters)";
  }

  /** A worker id as the report shows it. */
  public static String worker(String workerId) {
    return workerId;
  }
}
