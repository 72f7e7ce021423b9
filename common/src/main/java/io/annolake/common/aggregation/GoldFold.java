package io.annolake.common.aggregation;

import java.util.Objects;

/**
 * The cross-fit behind {@code auto}, as {@link EmProgram} wrappers so one code runs locally and on
 * the Spark path: {@link #fit} hides one fold's gold from a method's fit; {@link #score} is one
 * pass counting that fold's gold items the fitted model labels right.
 */
public final class GoldFold {
  /** Number of gold folds. */
  public static final int FOLDS = 2;

  private GoldFold() {}

  /** Fold of an item id: stable across runs and JVMs (String.hashCode is specified). */
  public static int of(String item) {
    return Math.floorMod(item.hashCode(), FOLDS);
  }

  /** The block with gold kept only on items outside {@code fold} (arrays shared, gold copied). */
  static ItemBlock hide(ItemBlock block, int fold) {
    int[] gold = new int[block.items()];
    for (int i = 0; i < gold.length; i++) {
      gold[i] = of(block.itemId(i)) == fold ? ItemBlock.NO_GOLD : block.gold(i);
    }
    return new ItemBlock(block.start, block.worker, block.label, gold, block.itemIds);
  }

  /** {@code program} fitted as if {@code fold}'s gold were unknown. */
  public static EmProgram fit(EmProgram program, int fold) {
    return new Hidden(program, fold);
  }

  /**
   * One pass scoring {@code fold}'s gold items under {@code fitted} (the {@link #fit} program and
   * its reported state); the outcome's last state is {right, scored, Brier sum}.
   */
  public static EmProgram score(EmProgram fitted, double[] state, int fold) {
    return new Score(fitted, Objects.requireNonNull(state, "state"), fold);
  }

  private record Hidden(EmProgram inner, int fold) implements EmProgram {
    @Override
    public int classes() {
      return inner.classes();
    }

    @Override
    public int statsSize() {
      return inner.statsSize();
    }

    @Override
    public double[] initialState() {
      return inner.initialState();
    }

    @Override
    public int maxIterations() {
      return inner.maxIterations();
    }

    @Override
    public double tolerance() {
      return inner.tolerance();
    }

    @Override
    public void accumulate(double[] state, ItemBlock block, double[] stats) {
      inner.accumulate(state, hide(block, fold), stats);
    }

    @Override
    public double[] update(double[] stats) {
      return inner.update(stats);
    }

    @Override
    public double[] update(double[] previous, double[] stats) {
      return inner.update(previous, stats);
    }

    @Override
    public void posterior(double[] state, ItemBlock block, int item, double[] out) {
      inner.posterior(state, hide(block, fold), item, out);
    }

    @Override
    public Parameters parameters(double[] state, int workers) {
      return inner.parameters(state, workers);
    }
  }

  /**
   * Statistics: loss, items, right, scored, Brier sum (squared distance of the posterior from the
   * gold label's indicator). One iteration from the fitted state; update keeps {right, scored,
   * brier}.
   */
  private record Score(EmProgram fitted, double[] state, int fold) implements EmProgram {
    @Override
    public int classes() {
      return fitted.classes();
    }

    @Override
    public int statsSize() {
      return 5;
    }

    @Override
    public double[] initialState() {
      return state;
    }

    @Override
    public int maxIterations() {
      return 1;
    }

    @Override
    public double tolerance() {
      return 0;
    }

    @Override
    public void accumulate(double[] s, ItemBlock block, double[] stats) {
      double[] post = new double[classes()];
      ItemBlock hidden = hide(block, fold);
      for (int i = 0; i < block.items(); i++) {
        stats[ITEMS] += 1;
        int gold = block.gold(i);
        if (gold == ItemBlock.NO_GOLD || of(block.itemId(i)) != fold) {
          continue;
        }
        fitted.posterior(s, hidden, i, post);
        stats[2] += Posteriors.argmax(post) == gold ? 1 : 0;
        stats[3] += 1;
        for (int k = 0; k < post.length; k++) {
          double miss = post[k] - (k == gold ? 1 : 0);
          stats[4] += miss * miss;
        }
      }
    }

    @Override
    public double[] update(double[] stats) {
      return new double[] {stats[2], stats[3], stats[4]};
    }

    @Override
    public void posterior(double[] s, ItemBlock block, int item, double[] out) {
      fitted.posterior(state, block, item, out);
    }

    @Override
    public Parameters parameters(double[] s, int workers) {
      return fitted.parameters(state, workers);
    }
  }
}
