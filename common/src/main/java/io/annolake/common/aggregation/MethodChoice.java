package io.annolake.common.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The {@code auto} method: for one project and step, the aggregator whose cross-fitted posteriors
 * score best on the step's own gold items, or the configured default when there is too little gold
 * to tell methods apart.
 *
 * <p>Score: the mean Brier score of the posteriors on the gold items, a proper scoring rule. Gold
 * accuracy counts only whether each argmax is right, so with the few dozen gold items a step often
 * has it ties methods whose labels differ by points elsewhere (rodrigues_music: 73 gold items, one
 * item is 1.4 points, and three methods tie); the Brier score also weighs how sure each posterior
 * is, so it separates them with the same gold. Accuracy is recorded beside it.
 *
 * <p>Protocol (compare-methods' cross-fit, applied to every method alike, {@link GoldFold}): gold
 * items are split in two folds by a hash of the item id; each fold is scored by a fit that saw
 * (clamped) only the other fold's gold, so no gold answer ever scores the fit it shaped. Ties go to
 * the default, then to the earlier method in the candidate order.
 */
public final class MethodChoice {
  /**
   * One method's cross-fitted gold score, summed over the folds: gold items labeled right, gold
   * items scored, and the sum of their Brier scores (squared distance of the posterior from the
   * gold label).
   */
  public record Score(String method, long right, long scored, double brierSum) {
    public double accuracy() {
      return scored == 0 ? 0 : (double) right / scored;
    }

    /** Mean Brier score per gold item: 0 is a sure right posterior, 2 a sure wrong one. */
    public double brier() {
      return scored == 0 ? 2 : brierSum / scored;
    }
  }

  /**
   * What {@code auto} chose and why.
   *
   * @param method the chosen method
   * @param reason {@code best_gold_brier} or {@code too_few_gold} (the default kept)
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
              .append(',');
      perMethod(s, "gold_accuracy", Score::accuracy).append(',');
      return perMethod(s, "gold_brier", Score::brier).append('}').toString();
    }

    private StringBuilder perMethod(StringBuilder s, String key, ToDoubleFunction<Score> value) {
      s.append('"').append(key).append("\":{");
      for (int i = 0; i < scores.size(); i++) {
        s.append(i == 0 ? "" : ",")
            .append('"')
            .append(scores.get(i).method())
            .append("\":")
            .append(String.format(Locale.ROOT, "%.6f", value.applyAsDouble(scores.get(i))));
      }
      return s.append('}');
    }
  }

  /**
   * Mean Brier scores closer than this are a tie (the same posteriors summed in another order
   * differ in the last bits).
   */
  static final double BRIER_TIE = 1e-9;

  private MethodChoice() {}

  /**
   * The choice from the candidates' scores (in candidate order): the lowest mean Brier score.
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
      boolean better = best == null || s.brier() < best.brier() - BRIER_TIE;
      boolean tieToDefault =
          best != null
              && Math.abs(s.brier() - best.brier()) <= BRIER_TIE
              && s.method().equals(defaultMethod);
      if (better || tieToDefault) {
        best = s;
      }
    }
    return new Choice(best.method(), "best_gold_brier", goldItems, List.copyOf(scores));
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
        double brier = 0;
        for (int f = 0; f < GoldFold.FOLDS; f++) {
          EmProgram fit = GoldFold.fit(a.program(answers.workerCount(), answers.classCount()), f);
          EmRunner.Outcome fitted = EmRunner.runLocal(fit, block);
          double[] counts =
              EmRunner.runLocal(GoldFold.score(fit, fitted.reported(), f), block).last();
          right += (long) counts[0];
          scored += (long) counts[1];
          brier += counts[2];
        }
        scores.add(new Score(a.name(), right, scored, brier));
      }
    }
    return decide(scores, goldItems, defaultMethod, minGold);
  }
}
