package io.annolake.common.compose;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One project's configured step pipeline: the steps in the order an item goes through them, which
 * step verifies which, and how a verification step's final label reads (lower-case label sets).
 *
 * @param project the project id
 * @param steps the steps in order, each once
 * @param verifies verification step -> the earlier step whose final label it checks
 * @param acceptLabels verification labels read as ACCEPTED (lower case)
 * @param rejectLabels verification labels read as REJECTED (lower case)
 */
public record Pipeline(
    String project,
    List<String> steps,
    Map<String, String> verifies,
    List<String> acceptLabels,
    List<String> rejectLabels)
    implements Serializable {
  public Pipeline {
    steps = List.copyOf(steps);
    verifies = Map.copyOf(verifies);
    acceptLabels = List.copyOf(acceptLabels);
    rejectLabels = List.copyOf(rejectLabels);
  }

  /** The step's place in the pipeline (0 first), or -1 when it is not one of its steps. */
  public int position(String step) {
    return steps.indexOf(step);
  }

  /** The step a verification step checks, or null when the step verifies nothing. */
  public String verified(String step) {
    return verifies.get(step);
  }

  /**
   * E.g. {@code boxes -> attributes -> verification(attributes)}: the order and what verifies what.
   */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (String step : steps) {
      if (b.length() > 0) {
        b.append(" -> ");
      }
      b.append(step);
      if (verifies.containsKey(step)) {
        b.append('(').append(verifies.get(step)).append(')');
      }
    }
    return b.toString();
  }
}
