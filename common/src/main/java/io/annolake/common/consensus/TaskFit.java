package io.annolake.common.consensus;

import io.annolake.common.aggregation.EmProgram;
import io.annolake.common.aggregation.EmRunner;
import io.annolake.common.aggregation.spark.IndexedTask;

/**
 * One project and step fitted by one method: the indexed answers, the program, its outcome, and the
 * wall time of the fused fit.
 */
public record TaskFit(IndexedTask task, EmProgram program, EmRunner.Outcome outcome, long millis) {
  public int iterations() {
    return outcome.lossHistory().size();
  }
}
