package io.annolake.common.anomaly;

import java.io.Serializable;
import java.util.List;

/**
 * What "normal" is in one project and step: its labels, the label mix of all its answers and the
 * median answer duration (NaN when durations are unknown).
 */
public record StepContext(
    String projectId,
    String step,
    List<String> labels,
    double[] labelShares,
    double medianDurationMs)
    implements Serializable {
  public StepContext {
    labels = List.copyOf(labels);
    if (labelShares.length != labels.size()) {
      throw new IllegalArgumentException(
          "Cannot build step context: "
              + labels.size()
              + " labels but "
              + labelShares.length
              + " shares");
    }
  }
}
