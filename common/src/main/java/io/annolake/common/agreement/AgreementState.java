package io.annolake.common.agreement;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ObjDoubleConsumer;

/**
 * Mergeable sufficient statistics of one slice, from which every multi-rater coefficient here is
 * computed: the coincidence matrix (Krippendorff 2011), per-category shares (Gwet 2008), the
 * per-item agreement sum, and per number of raters the counts Fleiss (1971) needs.
 *
 * <p>Items enter with a weight: 1 for the estimate, a Poisson(1) draw for a bootstrap replicate.
 * Adding is linear in the item's distinct categories squared, so a slice costs one pass over its
 * items; two states of disjoint item sets merge by addition. Not thread-safe.
 *
 * <p>The state also counts items per distinct value pattern (e.g. {a, a, b}), at most {@value
 * #MAX_PATTERNS} patterns: the analytic standard errors (Gwet's linearisation) need a sum of
 * squares of per-item terms that depend on the slice's totals, and items of one pattern share their
 * term. Bootstrap replicates do not keep patterns.
 */
public final class AgreementState implements Serializable {
  private final int k;

  /** Row-major k x k: o[c*k + k'] = sum over items of n_c (n_k' - [c = k']) / (m_u - 1). */
  private final double[] coincidence;

  private double items;
  private double annotations;
  private double pairableItems;

  /** Sum over items with m >= 2 of sum_c n_c (n_c - 1) / (m (m - 1)). */
  private double agreementSum;

  /** Sum over items of n_c / m, per category. */
  private final double[] shareSum;

  /** Groups by number of raters: an array for the usual small m (hot path), a map beyond. */
  private final RaterGroup[] smallGroups = new RaterGroup[SMALL];

  private final TreeMap<Integer, RaterGroup> largeGroups = new TreeMap<>();
  private static final int SMALL = 64;

  /**
   * Items (summed weights) per distinct pattern; null when not kept or past {@link #MAX_PATTERNS}.
   */
  private HashMap<ItemCounts, double[]> patterns;

  private boolean patternsOverflowed;
  static final int MAX_PATTERNS = 100_000;

  /** Fleiss' statistics of the items with exactly m raters. */
  public static final class RaterGroup implements Serializable {
    double items;

    /** Sum over items of sum_c n_c (n_c - 1). */
    double pairAgreements;

    final double[] totals;

    RaterGroup(int k) {
      totals = new double[k];
    }

    public double items() {
      return items;
    }
  }

  /** An empty state that keeps item patterns (for standard errors). */
  public AgreementState(int categories) {
    this(categories, Patterns.KEEP);
  }

  /** Whether a state counts items per value pattern. */
  enum Patterns {
    KEEP,
    DROP
  }

  AgreementState(int categories, Patterns keep) {
    if (categories < 0) {
      throw new IllegalArgumentException(
          "Cannot create state: negative number of categories " + categories);
    }
    this.k = categories;
    this.coincidence = new double[categories * categories];
    this.shareSum = new double[categories];
    this.patterns = keep == Patterns.KEEP ? new HashMap<>() : null;
  }

  /** Adds one item's values with weight 1. */
  public AgreementState add(ItemCounts item) {
    return add(item, 1.0);
  }

  /** Adds one item's values with a weight (bootstrap multiplicity). */
  public AgreementState add(ItemCounts item, double weight) {
    int m = item.total();
    if (m == 0 || weight == 0) {
      return this;
    }
    items += weight;
    annotations += weight * m;
    if (patterns != null) {
      addPattern(item, weight);
    }
    int d = item.distinct();
    for (int a = 0; a < d; a++) {
      shareSum[item.category(a)] += weight * item.count(a) / m;
    }
    if (m < 2) {
      return this; // a lone value has nothing to pair with
    }
    pairableItems += weight;
    double perPair = weight / (m - 1);
    long same = 0;
    RaterGroup group = group(m);
    group.items += weight;
    for (int a = 0; a < d; a++) {
      int c = item.category(a);
      int nc = item.count(a);
      same += (long) nc * (nc - 1);
      group.totals[c] += weight * nc;
      for (int b = 0; b < d; b++) {
        int nk = item.count(b);
        coincidence[c * k + item.category(b)] += perPair * nc * (a == b ? nk - 1 : nk);
      }
    }
    group.pairAgreements += weight * same;
    agreementSum += weight * same / ((double) m * (m - 1));
    return this;
  }

  /** Adds another state of the same categories (a disjoint set of items) into this one. */
  public AgreementState merge(AgreementState other) {
    if (other.k != k) {
      throw new IllegalArgumentException("Cannot merge states: " + other.k + " categories vs " + k);
    }
    for (int i = 0; i < coincidence.length; i++) {
      coincidence[i] += other.coincidence[i];
    }
    for (int i = 0; i < k; i++) {
      shareSum[i] += other.shareSum[i];
    }
    items += other.items;
    annotations += other.annotations;
    pairableItems += other.pairableItems;
    agreementSum += other.agreementSum;
    if (other.patterns == null) {
      patternsOverflowed |= other.patternsOverflowed;
      patterns = null;
    } else if (patterns != null) {
      other.patterns.forEach((p, w) -> addPattern(p, w[0]));
    }
    for (Map.Entry<Integer, RaterGroup> e : other.byRaters().entrySet()) {
      RaterGroup mine = group(e.getKey());
      RaterGroup theirs = e.getValue();
      mine.items += theirs.items;
      mine.pairAgreements += theirs.pairAgreements;
      for (int i = 0; i < k; i++) {
        mine.totals[i] += theirs.totals[i];
      }
    }
    return this;
  }

  /**
   * This state summed again pattern by pattern in a fixed order ({@link ItemCounts#ORDER}): the
   * pattern weights are integer sums, exact in any order, so the result does not depend on the
   * order the items arrived in (partitions, shuffles, a cluster's layout) to the last bit. Itself
   * when it keeps no patterns (a replicate, or past {@link #MAX_PATTERNS}).
   */
  AgreementState canonical() {
    if (patterns == null) {
      return this;
    }
    AgreementState out = new AgreementState(k, Patterns.KEEP);
    patterns.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(ItemCounts.ORDER))
        .forEach(e -> out.add(e.getKey(), e.getValue()[0]));
    return out;
  }

  private void addPattern(ItemCounts item, double weight) {
    double[] w = patterns.get(item);
    if (w != null) {
      w[0] += weight;
    } else if (patterns.size() < MAX_PATTERNS) {
      patterns.put(item, new double[] {weight});
    } else {
      patterns = null;
      patternsOverflowed = true;
    }
  }

  private RaterGroup group(int m) {
    if (m < SMALL) {
      RaterGroup g = smallGroups[m];
      if (g == null) {
        g = smallGroups[m] = new RaterGroup(k);
      }
      return g;
    }
    return largeGroups.computeIfAbsent(m, x -> new RaterGroup(k));
  }

  public int categories() {
    return k;
  }

  /** o_ck of the coincidence matrix. */
  public double coincidence(int c, int kk) {
    return coincidence[c * k + kk];
  }

  /** n_c: the pairable values in category c (row sum of the coincidence matrix). */
  public double marginal(int c) {
    double s = 0;
    for (int j = 0; j < k; j++) {
      s += coincidence[c * k + j];
    }
    return s;
  }

  /** n: all pairable values (values in items with at least two). */
  public double pairableValues() {
    double s = 0;
    for (double v : coincidence) {
      s += v;
    }
    return s;
  }

  /** Items with at least one value. */
  public double items() {
    return items;
  }

  /** All values, pairable or not. */
  public double annotations() {
    return annotations;
  }

  /** Items with at least two values. */
  public double pairableItems() {
    return pairableItems;
  }

  /** Sum over pairable items of their share of agreeing ordered pairs. */
  public double agreementSum() {
    return agreementSum;
  }

  /** Sum over items of the item's share of values in category c (Gwet's pi_k times items). */
  public double shareSum(int c) {
    return shareSum[c];
  }

  /** The group of items with exactly m raters, or null. */
  public RaterGroup raters(int m) {
    return m < SMALL ? smallGroups[m] : largeGroups.get(m);
  }

  /** Fleiss' groups by number of raters (m >= 2). */
  public Map<Integer, RaterGroup> byRaters() {
    TreeMap<Integer, RaterGroup> all = new TreeMap<>(largeGroups);
    for (int m = 0; m < SMALL; m++) {
      if (smallGroups[m] != null) {
        all.put(m, smallGroups[m]);
      }
    }
    return java.util.Collections.unmodifiableMap(all);
  }

  /**
   * Whether every item's pattern is known (false past {@value #MAX_PATTERNS} distinct patterns).
   */
  public boolean hasPatterns() {
    return patterns != null;
  }

  /** Why {@link #hasPatterns()} is false, or null when it is true. */
  public String patternsMissing() {
    if (patterns != null) {
      return null;
    }
    return patternsOverflowed
        ? "more than " + MAX_PATTERNS + " distinct item patterns"
        : "item patterns not kept";
  }

  /** Calls {@code f} with every distinct item pattern and its number of items (summed weight). */
  public void forEachPattern(ObjDoubleConsumer<ItemCounts> f) {
    if (patterns == null) {
      throw new IllegalStateException("Cannot list item patterns: " + patternsMissing());
    }
    patterns.forEach((p, w) -> f.accept(p, w[0]));
  }

  /** The number of raters most items have (ties: the larger), or 0 without pairable items. */
  public int modalRaters() {
    int best = 0;
    double bestItems = -1;
    for (Map.Entry<Integer, RaterGroup> e : byRaters().entrySet()) {
      if (e.getValue().items >= bestItems) {
        best = e.getKey();
        bestItems = e.getValue().items;
      }
    }
    return best;
  }
}
