package io.annolake.common.simulate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The anomalies the simulator injects on top of the archetypes, chosen from the crowd by seed so
 * they can be scored: colluding pairs (the follower joins many of the leader's items and copies the
 * leader's answer, wrong ones included), workers with one burst of submissions within a minute,
 * workers whose answers turn random part-way (a gold-failure spike), and experts who are right
 * where the crowd is systematically wrong ("trap" items). Per item, duplicate submissions (same
 * worker and item, new annotation id, identical answer, resubmitted seconds later) and timestamps
 * that pass ingestion but cannot be true are injected at small rates.
 *
 * <p>Only the chosen workers' records change, except on trap items, where the other answers are
 * made wrong on purpose; extra records (follower answers, duplicates) are added, never replacing.
 * Roles go to the most active eligible workers (legitimate archetypes, never GOOD, EXPERT or
 * SLOW_ACCURATE apart from the trap experts), so the behaviour has enough answers to be seen.
 */
public final class AnomalyPlan implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long PLAN_SALT = 0xA7A1L;

  /** Share of the leader's items the follower joins. */
  static final double FOLLOW_SHARE = 0.6;

  /** Share of a trap expert's non-gold items on which the crowd is made wrong. */
  static final double TRAP_SHARE = 0.3;

  /** Per item: a duplicate submission of one answer. */
  static final double DUPLICATE_RATE = 0.002;

  /** Per item: one answer gets a timestamp that passes ingestion but cannot be true. */
  static final double IMPOSSIBLE_RATE = 0.002;

  /** Submissions a burst worker crams into one minute (about). */
  static final int BURST_SIZE = 50;

  /** Roles in the workers truth. */
  public enum Role {
    COLLUDER,
    BURST,
    GOLD_SPIKE,
    TRAP_EXPERT
  }

  final Role[] roles;

  /** The partner of a colluder (-1 otherwise); {@code leads[w]} tells which side. */
  final int[] partner;

  final boolean[] leads;
  final long[] burstStartMs;
  final double[] burstProbability;

  /** From this instant on the worker answers at random (Long.MAX_VALUE: never). */
  final long[] spikeFromMs;

  private AnomalyPlan(int workers) {
    roles = new Role[workers];
    partner = new int[workers];
    Arrays.fill(partner, -1);
    leads = new boolean[workers];
    burstStartMs = new long[workers];
    burstProbability = new double[workers];
    spikeFromMs = new long[workers];
    Arrays.fill(spikeFromMs, Long.MAX_VALUE);
  }

  /** The plan for a crowd and operation, deterministic by seed. */
  public static AnomalyPlan create(WorkerPool pool, SimulatorSettings s) {
    int n = pool.size();
    AnomalyPlan plan = new AnomalyPlan(n);
    SplittableRandom rng = new SplittableRandom(Rng.mix(s.seed(), PLAN_SALT, n));
    int perKind = Math.max(2, n / 100);
    long startMs = s.startDate().atStartOfDay().toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
    long spanMs = s.days() * 86_400_000L;
    double answersPerActivity = s.units() * s.meanRedundancy();

    List<Integer> colluders =
        plan.pick(pool, 2 * perKind, WorkerArchetype.COMPETENT, WorkerArchetype.MEDIOCRE);
    for (int i = 0; i + 1 < colluders.size(); i += 2) {
      int leader = colluders.get(i);
      int follower = colluders.get(i + 1);
      plan.roles[leader] = Role.COLLUDER;
      plan.roles[follower] = Role.COLLUDER;
      plan.partner[leader] = follower;
      plan.partner[follower] = leader;
      plan.leads[leader] = true;
    }
    for (int w : plan.pick(pool, perKind, WorkerArchetype.COMPETENT)) {
      plan.roles[w] = Role.BURST;
      double expected = pool.activity(w) * answersPerActivity;
      plan.burstProbability[w] = Math.min(1, BURST_SIZE / Math.max(1, expected));
      plan.burstStartMs[w] = startMs + (long) (rng.nextDouble() * (spanMs - 120_000));
    }
    for (int w : plan.pick(pool, perKind, WorkerArchetype.COMPETENT)) {
      plan.roles[w] = Role.GOLD_SPIKE;
      plan.spikeFromMs[w] = startMs + (long) (spanMs * (0.5 + 0.1 * rng.nextDouble()));
    }
    for (int w : plan.pick(pool, Math.max(1, n / 100), WorkerArchetype.EXPERT)) {
      plan.roles[w] = Role.TRAP_EXPERT;
    }
    return plan;
  }

  /** The most active workers of the given archetypes that have no role yet. */
  private List<Integer> pick(WorkerPool pool, int count, WorkerArchetype... kinds) {
    List<Integer> eligible = new ArrayList<>();
    for (int w = 0; w < pool.size(); w++) {
      if (roles[w] == null && Arrays.asList(kinds).contains(pool.archetype(w))) {
        eligible.add(w);
      }
    }
    eligible.sort(
        Comparator.comparingDouble((Integer w) -> -pool.activity(w)).thenComparingInt(w -> w));
    return eligible.subList(0, Math.min(count, eligible.size()));
  }

  /**
   * The worker- and pair-level truth: (entity_type, entity_id, code) per anomalous worker, by
   * archetype (TOO_FAST, CONSTANT as STRAIGHT_LINING, RUBBER_STAMPER as PRELABEL_RUBBER_STAMPING,
   * SPAMMER and ADVERSARIAL as LOW_CONSENSUS_AGREEMENT) and by injected role.
   */
  public List<String[]> workerTruth(WorkerPool pool) {
    List<String[]> out = new ArrayList<>();
    for (int w = 0; w < pool.size(); w++) {
      String code =
          switch (pool.archetype(w)) {
            case TOO_FAST -> "TOO_FAST";
            case CONSTANT -> "STRAIGHT_LINING";
            case RUBBER_STAMPER -> "PRELABEL_RUBBER_STAMPING";
            case SPAMMER, ADVERSARIAL -> "LOW_CONSENSUS_AGREEMENT";
            default -> null;
          };
      if (code != null) {
        out.add(new String[] {"worker", pool.id(w), code});
      }
      if (roles[w] == Role.BURST) {
        out.add(new String[] {"worker", pool.id(w), "BURST"});
      } else if (roles[w] == Role.GOLD_SPIKE) {
        out.add(new String[] {"worker", pool.id(w), "GOLD_FAILURE_SPIKE"});
      } else if (roles[w] == Role.COLLUDER && leads[w]) {
        String a = pool.id(w);
        String b = pool.id(partner[w]);
        out.add(
            new String[] {
              "worker_pair", a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a, "COLLUSION"
            });
      }
    }
    return out;
  }

  /** The worker's injected role, or null. */
  public Role role(int w) {
    return roles[w];
  }

  /** The colluding partner of a worker, or -1. */
  public int partner(int w) {
    return partner[w];
  }

  /** Whether the worker leads a colluding pair (the follower copies the leader). */
  public boolean leads(int w) {
    return leads[w];
  }
}
