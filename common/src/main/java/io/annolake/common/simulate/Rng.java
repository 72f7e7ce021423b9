package io.annolake.common.simulate;

/** Seed mixing so every entity gets its own independent, reproducible random stream. */
final class Rng {
  private Rng() {}

  /** SplitMix64's finalizer over the combined inputs. */
  static long mix(long seed, long salt, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
