package io.annolake.common.aggregation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy-weighted vote: each worker's vote counts their accuracy on gold items, smoothed toward
 * the pooled gold accuracy with {@code smoothing} pseudo-answers (so one lucky gold answer does not
 * give full weight). Workers without gold answers get the pooled accuracy; without any gold this is
 * a majority vote. Ties go to the first label in sorted order.
 *
 * <p>Weighted voting with estimated reliabilities as in Littlestone and Warmuth, "The Weighted
 * Majority Algorithm", Information and Computation 108(2), 1994; skills measured on gold items as
 * in Oleson et al., "Programmatic Gold", HCOMP 2011.
 */
public final class WeightedMajorityVote implements Aggregator {
  private final double smoothing;

  /**
   * @param smoothing pseudo-answers at the pooled accuracy added per worker (default 2)
   */
  public WeightedMajorityVote(double smoothing) {
    Checks.argument(smoothing >= 0, "Cannot fit: smoothing must be >= 0, got", smoothing);
    this.smoothing = smoothing;
  }

  public WeightedMajorityVote() {
    this(2);
  }

  @Override
  public String name() {
    return "wmv";
  }

  @Override
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("smoothing", Double.toString(smoothing));
    p.put("tie_break", "first_label_sorted");
    return p;
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new VoteProgram(workers, classes, VoteProgram.Weights.GOLD, smoothing);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
