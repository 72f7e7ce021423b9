package io.annolake.common.consensus;

import io.annolake.common.spark.Counts;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Items per decision, counted while a pass writes the items' rows, so the counts need no pass of
 * their own. Spark accumulators: updates made in a write (an action) count once per successful
 * task, retries included.
 */
public final class DecisionCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  /** By {@link Decision} ordinal. */
  private final LongAccumulator[] counts;

  public DecisionCounts(SparkContext sc) {
    Decision[] all = Decision.values();
    counts = new LongAccumulator[all.length];
    for (Decision d : all) {
      counts[d.ordinal()] = sc.longAccumulator("consensus items " + d.name());
    }
  }

  void add(Decision decision) {
    counts[decision.ordinal()].add(1);
  }

  /** Items per decision name, decisions with items only (read after the pass has run). */
  public Map<String, Long> values() {
    Map<String, Long> out = new TreeMap<>();
    for (Decision d : Decision.values()) {
      long n = counts[d.ordinal()].value();
      if (n > 0) {
        out.put(d.name(), n);
      }
    }
    return out;
  }

  /** Items counted, every decision. */
  public long items() {
    return Counts.total(values());
  }
}
