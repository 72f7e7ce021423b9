package io.annolake.common.aggregation;

/** Argument checks with messages in the house form "Cannot X: reason value". */
final class Checks {
  private Checks() {}

  static void argument(boolean condition, String message, Object value) {
    if (!condition) {
      throw new IllegalArgumentException(message + " " + value);
    }
  }

  static void iterations(int maxIterations, double tolerance, double smoothing) {
    argument(maxIterations >= 0, "Cannot fit: max iterations must be >= 0, got", maxIterations);
    argument(tolerance >= 0, "Cannot fit: tolerance must be >= 0, got", tolerance);
    argument(
        smoothing > 0, "Cannot fit: smoothing must be > 0 (zero gives log(0)), got", smoothing);
  }
}
