package io.annolake.common.consensus;

import static io.annolake.common.aggregation.spark.InternalRows.utf8;

import io.annolake.common.aggregation.ItemBlock;
import io.annolake.common.aggregation.Posteriors;
import io.annolake.common.aggregation.spark.InternalRows;
import io.annolake.common.aggregation.spark.ItemFacts;
import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.aggregation.spark.TaskBlock;
import io.annolake.common.schema.ConsensusSchemas;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Builds the output rows of one item where its answers are cached: the decision ({@link
 * ConsensusPolicy}) from the item's posterior, answers and facts, then a {@code consensus_labels}
 * row, an {@code escalations} row (escalated items only), or just the decision for counting.
 */
final class ConsensusRows implements SparkAggregation.ItemVisitor {
  private static final long serialVersionUID = 1L;

  /** What rows to build. */
  enum Output {
    LABELS,
    ESCALATIONS,
    RELABELS
  }

  /** relabel_queue's reason: answers under a superseded version left too few under current ones. */
  static final String SUPERSEDED_ANSWERS =
      io.annolake.common.schema.RelabelReason.SUPERSEDED_ANSWERS.name();

  /** Decision names in internal form, by ordinal. */
  private static final UTF8String[] DECISION_NAMES =
      Arrays.stream(Decision.values()).map(d -> utf8(d.name())).toArray(UTF8String[]::new);

  private static final UTF8String[] POLICY_NAMES =
      Arrays.stream(DecisionPolicy.values())
          .map(p -> utf8(p.configName()))
          .toArray(UTF8String[]::new);

  private final Output output;

  /** Per task: the method that produced its posteriors. */
  private final ConsensusPolicy.Method[] methods;

  private final String[] projects;
  private final String[] steps;
  private final String[][] workers;
  private final String[][] labels;
  private final ConsensusPolicy.Thresholds[] thresholds;

  /** Per task, per worker: rated below the low-quality accuracy (null: the method rates no one). */
  private final boolean[][] lowQuality;

  /** Where each item's decision is counted as its row is built (null: not counted). */
  private final DecisionCounts counted;

  /** Per task: the newest guideline version (null without guideline records). */
  private final String[] newestVersions;

  /** Per task: project and step as UTF8String, built on first use in each executor. */
  private transient UTF8String[][] taskNames;

  /** Per task: its labels in internal form, shared by every row that names them. */
  private transient UTF8String[][] labelNames;

  private transient UTF8String[][] methodNames;

  /** Answers per label of the item being decided (see {@link #topVotes}). */
  private transient int[] votes;

  ConsensusRows(
      Output output,
      ConsensusPolicy.Method[] methods,
      String[] projects,
      String[] steps,
      String[][] workers,
      String[][] labels,
      ConsensusPolicy.Thresholds[] thresholds,
      boolean[][] lowQuality,
      DecisionCounts counted,
      String[] newestVersions) {
    this.newestVersions = newestVersions;
    this.output = output;
    this.methods = methods;
    this.projects = projects;
    this.steps = steps;
    this.workers = workers;
    this.labels = labels;
    this.thresholds = thresholds;
    this.lowQuality = lowQuality;
    this.counted = counted;
  }

  /**
   * Labels need every item's posterior; decisions and escalations only where the crowd's confidence
   * decides (not gold, not adjudicated, enough answers, not unanimous: ACCEPTED or ESCALATED).
   */
  @Override
  public boolean needsPosterior(int t, TaskBlock tb, int i) {
    if (output == Output.LABELS) {
      return true;
    }
    if (output == Output.RELABELS) {
      return false; // PENDING_RELABEL is decided before any confidence
    }
    ItemBlock block = tb.block();
    int n = block.end(i) - block.start(i);
    boolean open =
        block.gold(i) == ItemBlock.NO_GOLD
            && tb.facts().adjudicatedLabel(i) == null
            && n > 0
            && n >= thresholds[t].minAnnotators()
            && !unanimous(block, i);
    if (!open || thresholds[t].policy() == DecisionPolicy.POSTERIOR) {
      return open;
    }
    // votes: the counts decide; only an escalated item's row needs the posterior (its candidates)
    return !ConsensusPolicy.majority(n, topVotes(t, block, i), thresholds[t].majorityShare());
  }

  private static boolean unanimous(ItemBlock block, int i) {
    for (int a = block.start(i) + 1; a < block.end(i); a++) {
      if (block.label(a) != block.label(block.start(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Answers per label of item {@code i} in a buffer reused across items; returns the largest count.
   */
  private int topVotes(int t, ItemBlock block, int i) {
    int k = labels[t].length;
    if (votes == null || votes.length < k) {
      votes = new int[k];
    }
    Arrays.fill(votes, 0, k, 0);
    int top = 0;
    for (int a = block.start(i); a < block.end(i); a++) {
      top = Math.max(top, ++votes[block.label(a)]);
    }
    return top;
  }

  /**
   * The label with the most answers when exactly one has them (after {@link #topVotes}), else -1.
   */
  private int winner(int t, int top) {
    int found = -1;
    for (int k = 0; k < labels[t].length; k++) {
      if (votes[k] == top) {
        if (found >= 0) {
          return -1;
        }
        found = k;
      }
    }
    return found;
  }

  @Override
  public InternalRow item(int t, TaskBlock tb, int i, double[] post) {
    ItemBlock block = tb.block();
    ItemFacts facts = tb.facts();
    String[] names = labels[t];
    int best = post == null ? -1 : Posteriors.argmax(post);
    int n = block.end(i) - block.start(i);
    int top = topVotes(t, block, i);
    String gold = block.gold(i) == ItemBlock.NO_GOLD ? null : names[block.gold(i)];
    String adjudicated = facts.adjudicatedLabel(i);
    // Without a posterior the decision is one the confidence cannot change (see needsPosterior).
    Decision decision =
        ConsensusPolicy.decide(
            gold,
            adjudicated,
            n,
            top,
            post == null ? 0 : post[best],
            facts.superseded(i).length,
            thresholds[t]);
    // Under votes an accepted item takes the label its answers chose, whatever the method's
    // posterior says.
    int chosen =
        decision == Decision.MAJORITY || decision == Decision.AUTO_APPROVED ? winner(t, top) : -1;
    count(decision);
    switch (output) {
      case RELABELS -> {
        return decision == Decision.PENDING_RELABEL
            ? relabelRow(t, block.itemId(i), n, facts.superseded(i), facts.versions(i))
            : null;
      }
      case ESCALATIONS -> {
        if (decision != Decision.ESCALATED) {
          return null;
        }
        boolean onlyLowQuality = lowQuality[t] != null;
        for (int a = block.start(i); a < block.end(i); a++) {
          onlyLowQuality &= lowQuality[t] != null && lowQuality[t][block.worker(a)];
        }
        double second = 0;
        for (int k = 0; k < post.length; k++) {
          second = k != best ? Math.max(second, post[k]) : second;
        }
        String[][] answers = new String[n][];
        for (int a = block.start(i); a < block.end(i); a++) {
          answers[a - block.start(i)] =
              new String[] {
                facts.annotationId(a), workers[t][block.worker(a)], names[block.label(a)]
              };
        }
        Arrays.sort(answers, (x, y) -> x[0].compareTo(y[0]));
        Object[] answerRows = new Object[n];
        for (int a = 0; a < n; a++) {
          answerRows[a] =
              InternalRows.of(utf8(answers[a][0]), utf8(answers[a][1]), utf8(answers[a][2]));
        }
        return InternalRows.of(
            task(t)[0],
            task(t)[1],
            utf8(block.itemId(i)),
            utf8(
                ConsensusPolicy.reason(thresholds[t].policy(), onlyLowQuality, post[best], second)
                    .name()),
            BigDecimal.valueOf(1 - post[best]).setScale(9, RoundingMode.HALF_UP).doubleValue(),
            SparkAggregation.candidates(post, labelNames(t)),
            InternalRows.array(answerRows),
            thresholds[t].acceptThreshold(),
            methodName(t),
            paramsHash(t));
      }
      default -> {
        String crowd = names[best];
        int pick = thresholds[t].policy() == DecisionPolicy.VOTES && chosen >= 0 ? chosen : best;
        String label = gold != null ? gold : adjudicated != null ? adjudicated : names[pick];
        int agreeing = 0;
        String[] ids = new String[n];
        for (int a = block.start(i); a < block.end(i); a++) {
          agreeing += names[block.label(a)].equals(label) ? 1 : 0;
          ids[a - block.start(i)] = facts.annotationId(a);
        }
        Arrays.sort(ids);
        boolean expert = gold != null || adjudicated != null;
        return InternalRows.of(
            task(t)[0],
            task(t)[1],
            utf8(block.itemId(i)),
            utf8(label),
            expert ? 1.0 : post[pick],
            DECISION_NAMES[decision.ordinal()],
            methodName(t),
            paramsHash(t),
            paramsJson(t),
            n,
            agreeing,
            InternalRows.strings(ids),
            utf8(facts.guidelineVersion(i)),
            labelNames(t)[best],
            post[best],
            SparkAggregation.candidates(post, labelNames(t)),
            utf8(facts.adjudicatedBy(i)),
            adjudicated == null ? null : !adjudicated.equals(crowd),
            thresholds[t].minAnnotators(),
            thresholds[t].acceptThreshold(),
            InternalRows.strings(sorted(facts.excluded(i))),
            policyName(t),
            flaggedRows(facts.flagged(i)),
            InternalRows.strings(facts.versions(i)),
            InternalRows.strings(facts.superseded(i)));
      }
    }
  }

  /** An item whose every answer was left out: decided by gold or an expert, else PENDING. */
  @Override
  public InternalRow orphan(int t, TaskBlock tb, int o) {
    ItemFacts.Orphans orphans = tb.facts().orphans();
    String gold = orphans.goldLabel()[o];
    String adjudicated = orphans.adjudicatedLabel()[o];
    String[] superseded = orphans.superseded()[o] == null ? new String[0] : orphans.superseded()[o];
    Decision decision =
        ConsensusPolicy.decide(gold, adjudicated, 0, 0, 0, superseded.length, thresholds[t]);
    count(decision);
    switch (output) {
      case ESCALATIONS -> {
        return null;
      }
      case RELABELS -> {
        return decision == Decision.PENDING_RELABEL
            ? relabelRow(t, orphans.itemIds()[o], 0, superseded, orphans.versions()[o])
            : null;
      }
      default -> {
        String label = gold != null ? gold : adjudicated;
        return InternalRows.of(
            task(t)[0],
            task(t)[1],
            utf8(orphans.itemIds()[o]),
            utf8(label),
            label == null ? null : 1.0,
            DECISION_NAMES[decision.ordinal()],
            methodName(t),
            paramsHash(t),
            paramsJson(t),
            0,
            0,
            InternalRows.strings(new String[0]),
            utf8(orphans.guidelineVersion()[o]),
            null,
            null,
            InternalRows.array(new Object[0]),
            utf8(orphans.adjudicatedBy()[o]),
            null,
            thresholds[t].minAnnotators(),
            thresholds[t].acceptThreshold(),
            InternalRows.strings(
                orphans.excluded()[o] == null ? new String[0] : sorted(orphans.excluded()[o])),
            policyName(t),
            flaggedRows(orphans.flagged()[o] == null ? new String[0][] : orphans.flagged()[o]),
            InternalRows.strings(orphans.versions()[o]),
            InternalRows.strings(superseded));
      }
    }
  }

  private void count(Decision decision) {
    if (counted != null) {
      counted.add(decision);
    }
  }

  /** A task's labels in internal form (made once per task). */
  private UTF8String[] labelNames(int t) {
    if (labelNames == null) {
      labelNames = new UTF8String[labels.length][];
      for (int k = 0; k < labels.length; k++) {
        labelNames[k] = InternalRows.utf8(labels[k]);
      }
    }
    return labelNames[t];
  }

  /** Project and step of a task in internal form (made once per task). */
  private UTF8String[] task(int t) {
    if (taskNames == null) {
      taskNames = new UTF8String[projects.length][];
      for (int k = 0; k < projects.length; k++) {
        taskNames[k] = new UTF8String[] {utf8(projects[k]), utf8(steps[k])};
      }
    }
    return taskNames[t];
  }

  private UTF8String policyName(int t) {
    return POLICY_NAMES[thresholds[t].policy().ordinal()];
  }

  private UTF8String methodName(int t) {
    return methodNames(t)[0];
  }

  private UTF8String paramsHash(int t) {
    return methodNames(t)[1];
  }

  private UTF8String paramsJson(int t) {
    return methodNames(t)[2];
  }

  /**
   * A task's method name, parameters hash and parameters JSON in internal form (made once per
   * executor).
   */
  private UTF8String[] methodNames(int t) {
    if (methodNames == null) {
      methodNames = new UTF8String[methods.length][];
    }
    if (methodNames[t] == null) {
      ConsensusPolicy.Method m = methods[t];
      methodNames[t] =
          new UTF8String[] {utf8(m.name()), utf8(m.paramsHash()), utf8(m.paramsJson())};
    }
    return methodNames[t];
  }

  /**
   * A relabel_queue row: the item needs min_annotators answers under current versions; priority is
   * the share of them still missing (1: nothing current yet), so the emptiest items come first.
   */
  private InternalRow relabelRow(
      int t, String item, int current, String[] superseded, String[] versions) {
    String newest = newestVersions == null ? null : newestVersions[t];
    String[] old =
        java.util.Arrays.stream(versions).filter(v -> !v.equals(newest)).toArray(String[]::new);
    int needed = Math.max(1, thresholds[t].minAnnotators() - current);
    double priority = (double) needed / Math.max(1, thresholds[t].minAnnotators());
    return InternalRows.of(
        task(t)[0],
        task(t)[1],
        utf8(item),
        InternalRows.strings(old),
        utf8(newest),
        utf8(SUPERSEDED_ANSWERS),
        current,
        InternalRows.strings(superseded),
        needed,
        Math.min(1.0, priority));
  }

  /**
   * Entries of annotation id then flag ids, sorted by annotation id, as {@link
   * ConsensusSchemas#FLAGGED} rows.
   */
  private static org.apache.spark.sql.catalyst.util.ArrayData flaggedRows(String[][] entries) {
    Object[] out = new Object[entries.length];
    for (int e = 0; e < entries.length; e++) {
      out[e] =
          InternalRows.of(
              utf8(entries[e][0]),
              InternalRows.strings(Arrays.copyOfRange(entries[e], 1, entries[e].length)));
    }
    return InternalRows.array(out);
  }

  private static String[] sorted(String[] ids) {
    String[] copy = ids.clone();
    Arrays.sort(copy);
    return copy;
  }
}
