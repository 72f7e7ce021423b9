package io.annolake.common.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code auto} method: for one project and step, the aggregator with the best cross-fitted
 * accuracy on the step's own gold items, or the configured default when there is too little gold
 * to tell methods apart.
 *
 * <p>Protocol (compare-methods' cross-fit, applied to every method alike): gold items are split in
 * two folds by a hash of the item id; each fold is scored by a fit that saw (clamped) only the other
 * fold's gold, so no gold answer ever scores the fit it shaped. Ties go to the default, then to
 * the earlier method in the candidate order.
 */
public final class MethodChoice {
  /** Number of gold folds. */
  public static final int FOLDS = 2;

  /** One method's cross-fitted gold accuracy. */
  public record Score(String method, double goldAccuracy, int goldItems) {}

  /**
   * What {@code auto} chose and why.
   *
   * @param method the chosen method
   * @param reason {@code best_gold_accuracy} or {@code too_few_gold} (the default kept)
   * @param goldItems gold items among the answered ones
   * @param scores every candidate's score (empty when there was too little gold)
   */
  public record Choice(String method, String reason, int goldItems, List<Score> scores) {
    /** The choice as compact JSON, for the method params recorded with the labels. */
    public String json() {
      StringBuilder s = new StringBuilder("{\"chosen\":\"").append(method).append("\",\"reason\":\"").append(reason)
          .append("\",\"gold_items\":").append(goldItems).append(",\"gold_accuracy\":{");
      for (int i = 0; i < scores.size(); i++) {
        s.append(i == 0 ? "" : ",").append('"').append(scores.get(i).method()).append("\":")
            .append(String.format(Locale.ROOT, "%.6f", scores.get(i).goldAccuracy()));
      }
      return s.append("}}").toString();
    }
  }

  private MethodChoice() {}

  /** Fold of an item id: stable across runs and JVMs (String.hashCode is specified). */
  static int fold(String item) {
    return Math.floorMod(item.hashCode(), FOLDS);
  }

  /**
   * Chooses among {@code candidates} (the first one whose name equals {@code defaultMethod} is the
   * default) on {@code answers}, whose gold answers are the project's gold.
   *
   * @param minGold gold items needed to choose; below it the default is kept
   */
  public static Choice choose(Answers answers, List<Aggregator> candidates, String defaultMethod, int minGold) {
    Checks.argument(minGold >= 1, "Cannot choose a method: minimum gold must be >= 1, got", minGold);
    int goldItems = 0;
    for (int i = 0; i < answers.itemCount(); i++) {
      goldItems += answers.block().gold(i) == ItemBlock.NO_GOLD ? 0 : 1;
    }
    if (goldItems < minGold) {
      return new Choice(defaultMethod, "too_few_gold", goldItems, List.of());
    }
    List<Score> scores = new ArrayList<>();
    Score best = null;
    for (Aggregator a : candidates) {
      Score s = new Score(a.name(), crossFitted(answers, a), goldItems);
      scores.add(s);
      boolean better = best == null || s.goldAccuracy() > best.goldAccuracy() + Posteriors.TIE;
      boolean tieToDefault = best != null && Math.abs(s.goldAccuracy() - best.goldAccuracy()) <= Posteriors.TIE
          && s.method().equals(defaultMethod);
      if (better || tieToDefault) {
        best = s;
      }
    }
    return new Choice(best.method(), "best_gold_accuracy", goldItems, List.copyOf(scores));
  }

  /** Share of gold items whose label, from a fit that saw only the other folds' gold, equals the gold. */
  static double crossFitted(Answers answers, Aggregator aggregator) {
    int right = 0;
    int scored = 0;
    for (int f = 0; f < FOLDS; f++) {
      int fold = f;
      Answers training = answers.withGoldOn(i -> fold(answers.items().get(i)) != fold);
      AggregationModel m = aggregator.fit(training);
      for (int i = 0; i < answers.itemCount(); i++) {
        int gold = answers.block().gold(i);
        if (gold != ItemBlock.NO_GOLD && fold(answers.items().get(i)) == fold) {
          scored++;
          right += m.labelIndex(i) == gold ? 1 : 0;
        }
      }
    }
    return scored == 0 ? 0 : (double) right / scored;
  }
}
