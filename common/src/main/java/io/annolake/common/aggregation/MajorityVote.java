package io.annolake.common.aggregation;

import java.util.Map;

/**
 * Majority vote: the label most workers gave; the posterior is each label's share of the votes.
 * Ties go to the first label in sorted string order, so the result never depends on row order. Gold
 * answers are not used (the decision policy applies them).
 */
public final class MajorityVote implements Aggregator {
  @Override
  public String name() {
    return "mv";
  }

  @Override
  public Map<String, String> params() {
    return Map.of("tie_break", "first_label_sorted");
  }

  @Override
  public EmProgram program(int workers, int classes) {
    return new VoteProgram(workers, classes, VoteProgram.Weights.NONE, 1);
  }

  @Override
  public AggregationModel fit(Answers answers) {
    return AggregationModel.fitLocal(
        name(), program(answers.workerCount(), answers.classCount()), answers);
  }
}
