package io.annolake.common.agreement;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Poisson bootstrap over items: each item enters replicate b with an independent Poisson(1) weight
 * instead of being drawn with replacement, so all replicates are built in the same single pass as
 * the estimate and partitions merge by addition (Hanley and MacGibbon 2006; Chamandy et al. 2012,
 * "Estimating uncertainty for massive data streams", Google).
 *
 * <p>Weights depend only on the seed and the item key, never on partitioning or row order, so a run
 * is reproducible on any cluster.
 *
 * <p>Why it is fast: a state is linear in its items, and items with the same value counts (the same
 * "pattern", e.g. {a, a, b}) contribute the same. So per item and replicate only an integer weight
 * is added to the pattern's counter; the replicate states are built from the few distinct patterns
 * at the end (or when more than {@value #MAX_PENDING} patterns are pending).
 */
public final class PoissonBootstrap implements Serializable {
  private static final double E_INV = Math.exp(-1);

  private final long seed;
  private final int replicates;
  private final AgreementState estimate;
  private final AgreementState[] samples;

  /** The estimate summed in a fixed pattern order (null until asked for, and after a change). */
  private transient AgreementState canonical;

  /** Per distinct item pattern, its summed weight in each replicate, not yet in {@code samples}. */
  private final java.util.HashMap<ItemCounts, int[]> pending = new java.util.HashMap<>();

  static final int MAX_PENDING = 20_000;
  private final int maxPending;

  public PoissonBootstrap(int categories, int replicates, long seed) {
    this(categories, replicates, seed, MAX_PENDING);
  }

  PoissonBootstrap(int categories, int replicates, long seed, int maxPending) {
    this.maxPending = maxPending;
    if (replicates < 0) {
      throw new IllegalArgumentException(
          "Cannot bootstrap: negative number of resamples " + replicates);
    }
    this.seed = seed;
    this.replicates = replicates;
    this.estimate = new AgreementState(categories);
    this.samples = new AgreementState[replicates];
    for (int b = 0; b < replicates; b++) {
      samples[b] = new AgreementState(categories, AgreementState.Patterns.DROP);
    }
  }

  /**
   * Adds an item to the estimate and, with its Poisson weights, to every replicate. The item key
   * seeds the weights; it may be null when there are no replicates.
   */
  public PoissonBootstrap add(String itemKey, ItemCounts item) {
    estimate.add(item);
    canonical = null;
    if (replicates > 0 && item.total() > 0) {
      int[] weights = pending.get(item);
      if (weights == null) {
        if (pending.size() >= maxPending) {
          flush();
        }
        weights = new int[replicates];
        pending.put(item, weights);
      }
      long state = mix(seed ^ hash(itemKey));
      for (int b = 0; b < replicates; b++) {
        state += 0x9E3779B97F4A7C15L;
        weights[b] += poisson(mix(state));
      }
    }
    return this;
  }

  /**
   * Moves the pending pattern weights into the replicate states, in a fixed pattern order: when the
   * patterns fit in {@code maxPending} (no early flush), the replicates are then summed in one
   * order whatever order the items came in, like the estimate.
   */
  private void flush() {
    var entries = new java.util.ArrayList<>(pending.entrySet());
    entries.sort(java.util.Map.Entry.comparingByKey(ItemCounts.ORDER));
    for (var e : entries) {
      int[] weights = e.getValue();
      for (int b = 0; b < replicates; b++) {
        if (weights[b] > 0) {
          samples[b].add(e.getKey(), weights[b]);
        }
      }
    }
    pending.clear();
  }

  public PoissonBootstrap merge(PoissonBootstrap other) {
    if (other.replicates != replicates || other.seed != seed) {
      throw new IllegalArgumentException("Cannot merge bootstraps of different resamples or seeds");
    }
    estimate.merge(other.estimate);
    canonical = null;
    for (var e : other.pending.entrySet()) {
      int[] mine = pending.get(e.getKey());
      if (mine == null) {
        if (pending.size() >= maxPending) {
          flush();
        }
        pending.put(e.getKey(), e.getValue().clone());
      } else {
        for (int b = 0; b < replicates; b++) {
          mine[b] += e.getValue()[b];
        }
      }
    }
    for (int b = 0; b < replicates; b++) {
      samples[b].merge(other.samples[b]);
    }
    return this;
  }

  /**
   * The estimate's state, equal to the last bit whatever order the items were added and merged in
   * (see {@link AgreementState#canonical}).
   */
  public AgreementState estimate() {
    if (canonical == null) {
      canonical = estimate.canonical();
    }
    return canonical;
  }

  public int replicates() {
    return replicates;
  }

  public AgreementState replicate(int b) {
    flush();
    return samples[b];
  }

  /**
   * The percentile interval of a statistic over the replicates; replicates where it is undefined
   * (null or NaN) are left out. {NaN, NaN} when fewer than half the replicates are defined.
   */
  public double[] interval(
      java.util.function.Function<AgreementState, Double> statistic, double confidence) {
    flush();
    double[] values = new double[replicates];
    int defined = 0;
    for (AgreementState sample : samples) {
      Double v = statistic.apply(sample);
      if (v != null && !v.isNaN()) {
        values[defined++] = v;
      }
    }
    if (defined == 0 || defined * 2 < replicates) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double[] sorted = Arrays.copyOf(values, defined);
    Arrays.sort(sorted);
    double tail = (1 - confidence) / 2;
    return new double[] {quantile(sorted, tail), quantile(sorted, 1 - tail)};
  }

  /** Linear interpolation between order statistics (type 7, as R and NumPy default). */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Poisson(1) by inversion of one uniform from the 53 high bits (at most 20). */
  static int poisson(long bits) {
    double u = (bits >>> 11) * 0x1.0p-53;
    int k = 0;
    while (k < 20 && u > CDF[k]) {
      k++;
    }
    return k;
  }

  /**
   * P(X <= k) for Poisson(1), summed term by term as p_k = p_{k-1} / k (the hot loop only
   * compares).
   */
  private static final double[] CDF = cdf();

  private static double[] cdf() {
    double[] cdf = new double[21];
    double p = E_INV;
    cdf[0] = p;
    for (int k = 1; k <= 20; k++) {
      p /= k;
      cdf[k] = cdf[k - 1] + p;
    }
    return cdf;
  }

  /** SplitMix64's finaliser: a good 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** 64-bit FNV-1a of the UTF-8 bytes: stable across JVMs, unlike String.hashCode's 32 bits. */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
