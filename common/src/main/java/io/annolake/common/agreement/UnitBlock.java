package io.annolake.common.agreement;

import io.annolake.common.collect.ByteList;
import io.annolake.common.collect.IntList;
import io.annolake.common.schema.Columns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One partition's units after the grouping shuffle, in columns (each worker's latest answer per
 * unit), coded in dictionaries local to the partition: first seen, first numbered. The driver
 * merges the partitions' small {@link Dictionary}s into the sorted global {@link AnswerCodes}, and
 * {@link #units} reads the units back in global codes. So the answers are scanned once, strings
 * cross the shuffle as Spark's own bytes, and no dictionary is needed before the grouping.
 */
public final class UnitBlock implements Serializable {
  /**
   * The strings of one partition: unit groups, workers, each group's labels (and which ones kept
   * answers use).
   */
  public record Dictionary(
      int partition, String[][] groups, String[] workers, String[][] labels, boolean[][] used)
      implements Serializable {}

  private final Dictionary dictionary;
  private final int[] unitGroup;
  private final String[] items;

  /** Answers of unit u are [start[u], start[u + 1]). */
  private final int[] start;

  private final int[] worker;
  private final int[] label;

  /**
   * Per answer: 1 equal to its item's consensus label, 0 not, -1 no consensus label came with the
   * item.
   */
  private final byte[] vsConsensus;

  private UnitBlock(
      Dictionary dictionary,
      int[] unitGroup,
      String[] items,
      int[] start,
      int[] worker,
      int[] label,
      byte[] vsConsensus) {
    this.dictionary = dictionary;
    this.unitGroup = unitGroup;
    this.items = items;
    this.start = start;
    this.worker = worker;
    this.label = label;
    this.vsConsensus = vsConsensus;
  }

  public Dictionary dictionary() {
    return dictionary;
  }

  public int units() {
    return items.length;
  }

  /**
   * The units in global codes (workers ascending, i.e. in id order).
   *
   * @param group global code of each local group
   * @param workers global code of each local worker
   * @param labels per local group, global label code of each local label
   */
  public Iterator<ItemAnswers> units(int[] group, int[] workers, int[][] labels) {
    return new Iterator<>() {
      private int u;

      @Override
      public boolean hasNext() {
        return u < items.length;
      }

      @Override
      public ItemAnswers next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int g = unitGroup[u];
        int from = start[u];
        int n = start[u + 1] - from;
        int[] w = new int[n];
        int[] l = new int[n];
        byte[] v = new byte[n];
        int[] labelCode = labels[g];
        for (int i = 0; i < n; i++) {
          // insertion by global worker code: a unit has a handful of answers
          int wi = workers[worker[from + i]];
          int li = labelCode[label[from + i]];
          byte vi = vsConsensus[from + i];
          int j = i;
          while (j > 0 && w[j - 1] > wi) {
            w[j] = w[j - 1];
            l[j] = l[j - 1];
            v[j] = v[j - 1];
            j--;
          }
          w[j] = wi;
          l[j] = li;
          v[j] = vi;
        }
        return new ItemAnswers(group[g], items[u++], w, l, v);
      }
    };
  }

  /** The hash of (project, step, item) the rows are sorted by. */
  static final String K = "k";

  static final String SUBMITTED_US = "submitted_us";

  /** The columns of the rows {@link #build} reads, in order (internal rows are read by ordinal). */
  static final List<String> COLUMNS =
      List.of(
          K,
          Columns.PROJECT_ID,
          Columns.STEP,
          Columns.GUIDELINE_VERSION,
          Columns.DAY,
          Columns.ITEM_ID,
          Columns.WORKER_ID,
          Columns.LABEL,
          SUBMITTED_US);

  private static final int HASH = COLUMNS.indexOf(K);
  private static final int PROJECT = COLUMNS.indexOf(Columns.PROJECT_ID);
  private static final int STEP = COLUMNS.indexOf(Columns.STEP);
  private static final int VERSION = COLUMNS.indexOf(Columns.GUIDELINE_VERSION);
  private static final int DAY = COLUMNS.indexOf(Columns.DAY);
  private static final int ITEM = COLUMNS.indexOf(Columns.ITEM_ID);
  private static final int WORKER = COLUMNS.indexOf(Columns.WORKER_ID);
  private static final int LABEL = COLUMNS.indexOf(Columns.LABEL);
  private static final int TIME = COLUMNS.indexOf(SUBMITTED_US);

  /**
   * Builds a partition's block from coded rows ({@link #COLUMNS}) sorted by k, a hash of (project,
   * step, item): a run of equal k is one item's units (one per guideline version and day; other
   * items only on a hash collision, told apart exactly). A row without a worker is the item's
   * consensus label, not an answer: each kept answer records whether it equals it.
   */
  public static UnitBlock build(int partition, Iterator<InternalRow> rows) {
    return new Builder(partition).build(rows);
  }

  /** A unit group's strings as Spark holds them (copies own their bytes). */
  private record GroupKey(UTF8String project, UTF8String step, UTF8String version, UTF8String day) {
    static GroupKey of(InternalRow r) {
      return new GroupKey(string(r, PROJECT), string(r, STEP), string(r, VERSION), string(r, DAY));
    }

    boolean matches(InternalRow r) {
      return Objects.equals(project, string(r, PROJECT))
          && Objects.equals(step, string(r, STEP))
          && Objects.equals(version, string(r, VERSION))
          && Objects.equals(day, string(r, DAY));
    }

    GroupKey copy() {
      return new GroupKey(
          UnitBlock.copy(project),
          UnitBlock.copy(step),
          UnitBlock.copy(version),
          UnitBlock.copy(day));
    }

    String[] names() {
      return new String[] {name(project), name(step), name(version), name(day)};
    }

    private static String name(UTF8String s) {
      return s == null ? null : s.toString();
    }
  }

  private static UTF8String string(InternalRow r, int i) {
    return r.isNullAt(i) ? null : r.getUTF8String(i);
  }

  /** A copy that owns its bytes (a row's strings point into the row, which the next row reuses). */
  private static UTF8String copy(UTF8String s) {
    return s == null ? null : s.copy();
  }

  private static final class Builder {
    private final int partition;
    private final HashMap<GroupKey, Integer> groupCodes = new HashMap<>();
    private final List<GroupKey> groups = new ArrayList<>();
    private final HashMap<UTF8String, Integer> workerCodes = new HashMap<>();
    private final List<String> workers = new ArrayList<>();
    private final List<HashMap<UTF8String, Integer>> labelCodes = new ArrayList<>();
    private final List<List<String>> labels = new ArrayList<>();
    private final List<boolean[]> used = new ArrayList<>();

    private final IntList unitGroup = new IntList();
    private final List<String> items = new ArrayList<>();
    private final IntList start = new IntList();
    private final IntList worker = new IntList();
    private final IntList label = new IntList();
    private final ByteList vsConsensus = new ByteList();

    /**
     * The current run of equal k: its units (several: the item in several guideline versions or
     * days, or a hash collision) and answers.
     */
    private final IntList runGroup = new IntList();

    private final List<UTF8String> runItem = new ArrayList<>();
    private final IntList runUnit = new IntList();
    private final IntList runWorker = new IntList();
    private final IntList runLabel = new IntList();
    private long[] runTime = new long[16];

    /** The run's consensus rows: project, step, item and label of each. */
    private final List<UTF8String[]> runConsensus = new ArrayList<>();

    /** The run's answers in {@link #compare} order (reused from run to run). */
    private int[] order = new int[16];

    Builder(int partition) {
      this.partition = partition;
      start.add(0);
    }

    UnitBlock build(Iterator<InternalRow> rows) {
      long k = 0;
      while (rows.hasNext()) {
        InternalRow r = rows.next();
        long rk = r.getLong(HASH);
        if (inRun() && rk != k) {
          finishRun();
        }
        k = rk;
        if (r.isNullAt(WORKER)) {
          runConsensus.add(
              new UTF8String[] {
                copy(string(r, PROJECT)),
                copy(string(r, STEP)),
                copy(string(r, ITEM)),
                copy(string(r, LABEL))
              });
        } else {
          add(r);
        }
      }
      if (inRun()) {
        finishRun();
      }
      String[][] groupNames = new String[groups.size()][];
      String[][] labelNames = new String[groups.size()][];
      boolean[][] usedLabels = new boolean[groups.size()][];
      for (int g = 0; g < groupNames.length; g++) {
        groupNames[g] = groups.get(g).names();
        labelNames[g] = labels.get(g).toArray(String[]::new);
        usedLabels[g] = Arrays.copyOf(used.get(g), labelNames[g].length);
      }
      Dictionary d =
          new Dictionary(
              partition, groupNames, workers.toArray(String[]::new), labelNames, usedLabels);
      return new UnitBlock(
          d,
          unitGroup.toArray(),
          items.toArray(String[]::new),
          start.toArray(),
          worker.toArray(),
          label.toArray(),
          vsConsensus.toArray());
    }

    private boolean inRun() {
      return runUnit.size() > 0 || !runConsensus.isEmpty();
    }

    /**
     * The consensus label of a run's unit: the consensus row of its project, step and item, if any.
     */
    private String consensusLabel(int unit) {
      GroupKey g = groups.get(runGroup.get(unit));
      for (UTF8String[] c : runConsensus) {
        if (Objects.equals(c[2], runItem.get(unit))
            && Objects.equals(c[0], g.project())
            && Objects.equals(c[1], g.step())) {
          return c[3].toString();
        }
      }
      return null;
    }

    private void add(InternalRow r) {
      UTF8String item = r.getUTF8String(ITEM);
      int unit = -1;
      for (int i = 0; i < runItem.size() && unit < 0; i++) {
        if (runItem.get(i).equals(item) && groups.get(runGroup.get(i)).matches(r)) {
          unit = i;
        }
      }
      if (unit < 0) {
        unit = runItem.size();
        runItem.add(item.copy());
        runGroup.add(group(r));
      }
      int g = runGroup.get(unit);
      int a = runUnit.size();
      runUnit.add(unit);
      runWorker.add(code(workerCodes, workers, r.getUTF8String(WORKER)));
      runLabel.add(labelCode(g, r.getUTF8String(LABEL)));
      if (a == runTime.length) {
        runTime = Arrays.copyOf(runTime, a * 2);
      }
      runTime[a] = r.isNullAt(TIME) ? Long.MIN_VALUE : r.getLong(TIME);
    }

    private int group(InternalRow r) {
      // few groups (the usual case): comparing the row's strings in place beats hashing four of
      // them per unit
      if (groups.size() <= 16) {
        for (int g = 0; g < groups.size(); g++) {
          if (groups.get(g).matches(r)) {
            return g;
          }
        }
      }
      GroupKey key = GroupKey.of(r);
      Integer g = groups.size() <= 16 ? null : groupCodes.get(key);
      if (g == null) {
        GroupKey owned = key.copy();
        g = groups.size();
        groupCodes.put(owned, g);
        groups.add(owned);
        labelCodes.add(new HashMap<>());
        labels.add(new ArrayList<>());
        used.add(new boolean[4]);
      }
      return g;
    }

    private static int code(HashMap<UTF8String, Integer> codes, List<String> names, UTF8String s) {
      Integer c = codes.get(s);
      if (c == null) {
        c = names.size();
        codes.put(s.copy(), c);
        names.add(s.toString());
      }
      return c;
    }

    private int labelCode(int group, UTF8String s) {
      int c = code(labelCodes.get(group), labels.get(group), s);
      if (c >= used.get(group).length) {
        used.set(
            group, Arrays.copyOf(used.get(group), Math.max(c + 1, used.get(group).length * 2)));
      }
      return c;
    }

    /** Answer order within a run: unit, worker, time, then label name. */
    private int compare(int x, int y) {
      int c = Integer.compare(runUnit.get(x), runUnit.get(y));
      if (c == 0) {
        c = Integer.compare(runWorker.get(x), runWorker.get(y));
      }
      if (c == 0) {
        c = Long.compare(runTime[x], runTime[y]);
      }
      if (c == 0 && runLabel.get(x) != runLabel.get(y)) {
        List<String> names = labels.get(runGroup.get(runUnit.get(x)));
        c = names.get(runLabel.get(x)).compareTo(names.get(runLabel.get(y)));
      }
      return c;
    }

    /**
     * Emits the run's units: per worker the latest answer (by time; ties: the larger label; no time
     * is earliest).
     */
    private void finishRun() {
      int n = runUnit.size();
      if (order.length < n) {
        order = new int[Math.max(n, order.length * 2)];
      }
      // A run is usually one unit's few answers: insertion sort, no boxing (both sorts are stable).
      if (n <= 32) {
        for (int i = 0; i < n; i++) {
          int j = i;
          while (j > 0 && compare(order[j - 1], i) > 0) {
            order[j] = order[j - 1];
            j--;
          }
          order[j] = i;
        }
      } else {
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
          boxed[i] = i;
        }
        Arrays.sort(boxed, this::compare);
        for (int i = 0; i < n; i++) {
          order[i] = boxed[i];
        }
      }
      String consensus = null;
      for (int i = 0; i < n; i++) {
        int a = order[i];
        int unit = runUnit.get(a);
        if (i == 0 || runUnit.get(order[i - 1]) != unit) {
          consensus = runConsensus.isEmpty() ? null : consensusLabel(unit);
        }
        boolean lastOfWorker =
            i + 1 == n
                || runUnit.get(order[i + 1]) != unit
                || runWorker.get(order[i + 1]) != runWorker.get(a);
        if (lastOfWorker) {
          int g = runGroup.get(unit);
          worker.add(runWorker.get(a));
          label.add(runLabel.get(a));
          used.get(g)[runLabel.get(a)] = true;
          vsConsensus.add(
              consensus == null
                  ? (byte) -1
                  : consensus.equals(labels.get(g).get(runLabel.get(a))) ? (byte) 1 : (byte) 0);
        }
        if (i + 1 == n || runUnit.get(order[i + 1]) != unit) {
          unitGroup.add(runGroup.get(unit));
          items.add(runItem.get(unit).toString());
          start.add(worker.size());
        }
      }
      runGroup.clear();
      runItem.clear();
      runUnit.clear();
      runWorker.clear();
      runLabel.clear();
      runConsensus.clear();
    }
  }
}
