package io.annolake.common.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code auto} method: for one project and step, the aggregator with the best cross-fitted
 * accuracy on the step's own gold items, or the configured default when there is too little gold to
 * tell methods apart.
 *
 * <p>Protocol (compare-methods' cross-fit, applied to every method alike, {@link GoldFold}): gold
 * items are split in two folds by a hash of the item id; each fold is scored by a fit that saw
 * (clamped) only the other fold's gold, so no gold answer ever scores the fit it shaped. Ties go to
 * the default, then to the earlier method in the candidate order.
 */
public final class MethodChoice {
  /** One method's cross-fitted gold score, summed over the folds. */
  public record Score(String method, long right, long scored) {
    public double accuracy() {
      return scored == 0 ? 0 : (double) right / scored;
    }
  }

  /**
   * What {@code auto} chose and why.
   *
   * @param method the chosen method
   * @param reason {@code best_gold_accuracy} or {@code too_few_gold} (the default kept)
   * @param goldItems gold items among the answered ones
   * @param scores every candidate's score (empty when there was too little gold)
   */
  public record Choice(String method, String reason, long goldItems, List<Score> scores) {
    /** The choice as compact JSON, for the method params recorded with the labels. */
    public String json() {
      StringBuilder s =
          new StringBuilder("{\"chosen\":\"")
              .append(method)
              .append("\",\"reason\":\"")
              .append(reason)
              .append("\",\"gold_items\":")
              .append(goldItems)
              .append(",\"gold_accuracy\":{");
      for (int i = 0; i < scores.size(); i++) {
        s.append(i == 0 ? "" : ",")
            .append('"')
            .append(scores.get(i).method())
            .append("\":")
            .append(String.format(Locale.ROOT, "%.6f", scores.get(i).accuracy()));
      }
      return s.append("}}").toString();
    }
  }

  private MethodChoice() {}

  /**
   * The choice from the candidates' scores (in candidate order).
   *
   * @param goldItems gold items of the task
   * @param minGold gold items needed to choose; below it the default is kept
   */
  public static Choice decide(
      List<Score> scores, long goldItems, String defaultMethod, int minGold) {
    Checks.argument(
        minGold >= 1, "Cannot choose a method: minimum gold must be >= 1, got", minGold);
    if (goldItems < minGold || scores.isEmpty()) {
      return new Choice(defaultMethod, "too_few_gold", goldItems, List.of());
    }
    Score best = null;
    for (Score s : scores) {
      boolean better = best == null || s.accuracy() > best.accuracy() + Posteriors.TIE;
      boolean tieToDefault =
          best != null
              && Math.abs(s.accuracy() - best.accuracy()) <= Posteriors.TIE
              && s.method().equals(defaultMethod);
      if (better || tieToDefault) {
        best = s;
      }
    }
    return new Choice(best.method(), "best_gold_accuracy", goldItems, List.copyOf(scores));
  }

  /**
   * Chooses locally among {@code candidates} on {@code answers}, whose gold answers are the
   * project's gold.
   */
  public static Choice choose(
      Answers answers, List<Aggregator> candidates, String defaultMethod, int minGold) {
    long goldItems = 0;
    for (int i = 0; i < answers.itemCount(); i++) {
      goldItems += answers.block().gold(i) == ItemBlock.NO_GOLD ? 0 : 1;
    }
    List<Score> scores = new ArrayList<>();
    if (goldItems >= minGold) {
      ItemBlock block = answers.block();
      for (Aggregator a : candidates) {
        long right = 0;
        long scored = 0;
        for (int f = 0; f < GoldFold.FOLDS; f++) {
          EmProgram fit = GoldFold.fit(a.program(answers.workerCount(), answers.classCount()), f);
          EmRunner.Outcome fitted = EmRunner.runLocal(fit, block);
          double[] counts =
              EmRunner.runLocal(GoldFold.score(fit, fitted.reported(), f), block).last();
          right += (long) counts[0];
          scored += (long) counts[1];
        }
        scores.add(new Score(a.name(), right, scored));
      }
    }
    return decide(scores, goldItems, defaultMethod, minGold);
  }
}
