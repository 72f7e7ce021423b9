package io.annolake.common.aggregation;

import java.util.Map;

/**
 * Wawa (worker agreement with aggregate): a majority vote, then each worker's skill is the share of
 * their answers that agree with it, then a vote weighted by those skills.
 *
 * <p>As in Toloka Crowd-Kit's {@code Wawa}; Ustalov et al., "Learning from Crowds with Crowd-Kit",
 * Journal of Open Source Software 9(96), 6227, 2024. Ties go to the first label in sorted order.
 */
public final class Wawa implements Aggregator {
  @Override
  public String name() {
    return "wawa";
  }

  @Override
  public Map<String, String> params() {
    return Map.of("tie_break", "first_label_sorted");
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new VoteProgram(workers, classes, VoteProgram.Weights.MAJORITY, 0);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
