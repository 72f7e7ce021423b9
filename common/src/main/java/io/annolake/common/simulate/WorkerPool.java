package io.annolake.common.simulate;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The simulated crowd: per worker an id, an archetype, an activity weight, a confusion matrix (row
 * = true class, stored as cumulative probabilities for sampling) and a speed. Small (workers x K x
 * K) and broadcast to the executors.
 */
public final class WorkerPool implements Serializable {
  private static final long serialVersionUID = 1L;

  final String[] ids;
  final WorkerArchetype[] archetypes;
  final double[] cumulativeActivity;

  /** [worker][trueClass * K + answer], cumulative over answer. */
  final double[][] cumulativeConfusion;

  final double[] accuracy;
  final int[] constantLabel;
  final int classes;

  private WorkerPool(int workers, int classes) {
    this.ids = new String[workers];
    this.archetypes = new WorkerArchetype[workers];
    this.cumulativeActivity = new double[workers];
    this.cumulativeConfusion = new double[workers][];
    this.accuracy = new double[workers];
    this.constantLabel = new int[workers];
    this.classes = classes;
  }

  /** A crowd drawn from the archetype mix, deterministic by seed. */
  public static WorkerPool create(int workers, int classes, long seed) {
    WorkerPool pool = new WorkerPool(workers, classes);
    WorkerArchetype[] kinds = WorkerArchetype.values();
    double total = 0;
    for (int w = 0; w < workers; w++) {
      SplittableRandom rng = new SplittableRandom(Rng.mix(seed, 0x5EED_0001L, w));
      WorkerArchetype kind = pickArchetype(kinds, rng.nextDouble(), w, workers);
      pool.ids[w] = String.format("w%05d", w);
      pool.archetypes[w] = kind;
      // heavy-tailed activity; bad actors tend to be busy
      double activity = Math.exp(rng.nextGaussian() * 0.8) * (kind.isBad() ? 1.5 : 1.0);
      total += activity;
      pool.cumulativeActivity[w] = total;
      pool.constantLabel[w] = rng.nextInt(classes);
      double[] matrix = confusion(kind, classes, rng, pool.constantLabel[w]);
      double acc = 0;
      for (int t = 0; t < classes; t++) {
        acc += matrix[t * classes + t] / classes;
        for (int a = 1; a < classes; a++) {
          matrix[t * classes + a] += matrix[t * classes + a - 1];
        }
      }
      pool.accuracy[w] = acc;
      pool.cumulativeConfusion[w] = matrix;
    }
    for (int w = 0; w < workers; w++) {
      pool.cumulativeActivity[w] /= total;
    }
    return pool;
  }

  /** Every archetype is present at least once when the crowd is big enough to hold them all. */
  private static WorkerArchetype pickArchetype(
      WorkerArchetype[] kinds, double u, int w, int workers) {
    if (workers >= 4 * kinds.length && w < kinds.length) {
      return kinds[w];
    }
    double acc = 0;
    for (WorkerArchetype k : kinds) {
      acc += k.share();
      if (u < acc) {
        return k;
      }
    }
    return WorkerArchetype.GOOD;
  }

  /** Row-stochastic K x K matrix (row = true class) for an archetype. */
  static double[] confusion(WorkerArchetype kind, int k, SplittableRandom rng, int constant) {
    double[] m = new double[k * k];
    for (int t = 0; t < k; t++) {
      int neighbour = (t + 1) % k;
      switch (kind) {
        case EXPERT, GOOD, COMPETENT, MEDIOCRE, SLOW_ACCURATE, RUBBER_STAMPER -> {
          double diag =
              switch (kind) {
                case EXPERT -> 0.97 + 0.02 * rng.nextDouble();
                case GOOD, SLOW_ACCURATE -> 0.975 + 0.02 * rng.nextDouble();
                case COMPETENT -> 0.85 + 0.10 * rng.nextDouble();
                default -> 0.60 + 0.15 * rng.nextDouble();
              };
          double error = 1 - diag;
          for (int a = 0; a < k; a++) {
            m[t * k + a] = error * 0.4 / (k - 1);
          }
          m[t * k + neighbour] += error * 0.6;
          m[t * k + t] = diag;
        }
        case SPAMMER, TOO_FAST -> Arrays.fill(m, t * k, t * k + k, 1.0 / k);
        case CONSTANT -> {
          Arrays.fill(m, t * k, t * k + k, 0.03 / (k - 1));
          m[t * k + constant] = 0.97;
        }
        case ADVERSARIAL -> {
          Arrays.fill(m, t * k, t * k + k, 0.15 / (k - 1));
          m[t * k + t] = 0.05;
          m[t * k + neighbour] = 0.80;
          double sum = 0;
          for (int a = 0; a < k; a++) {
            sum += m[t * k + a];
          }
          for (int a = 0; a < k; a++) {
            m[t * k + a] /= sum;
          }
        }
      }
    }
    return m;
  }

  public int size() {
    return ids.length;
  }

  public String id(int w) {
    return ids[w];
  }

  public WorkerArchetype archetype(int w) {
    return archetypes[w];
  }

  /** Expected accuracy under uniform classes. */
  public double accuracy(int w) {
    return accuracy[w];
  }

  /** The worker's share of all answers (activity weight, normalised). */
  public double activity(int w) {
    return cumulativeActivity[w] - (w > 0 ? cumulativeActivity[w - 1] : 0);
  }

  /** Draws a worker by activity. */
  int drawWorker(double u) {
    int i = Arrays.binarySearch(cumulativeActivity, u);
    int idx = i >= 0 ? i : -i - 1;
    return Math.min(idx, ids.length - 1);
  }

  /** Draws the worker's answer for a true class. */
  int answer(int w, int trueClass, double u) {
    double[] m = cumulativeConfusion[w];
    int base = trueClass * classes;
    for (int a = 0; a < classes; a++) {
      if (u < m[base + a]) {
        return a;
      }
    }
    return classes - 1;
  }
}
