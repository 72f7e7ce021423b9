package io.annolake.common.aggregation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The input of every aggregator: answers (item, worker, label) indexed once into dense int arrays,
 * with the dictionaries back to the string ids and optional gold answers.
 *
 * <p>Ids are indexed in sorted string order and answers sorted by (item, worker, label), so the
 * order rows arrive in never changes a result, not even in the last bit of a sum. Labels are sorted
 * too: "the first label" in a tie is the smallest in string order.
 */
public final class Answers {
  private final List<String> items;
  private final List<String> workers;
  private final List<String> labels;
  private final ItemBlock block;

  private Answers(List<String> items, List<String> workers, List<String> labels, ItemBlock block) {
    this.items = items;
    this.workers = workers;
    this.labels = labels;
    this.block = block;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Item ids, by dense index. */
  public List<String> items() {
    return items;
  }

  public List<String> workers() {
    return workers;
  }

  /** Label ids, by dense index (sorted). */
  public List<String> labels() {
    return labels;
  }

  public int itemCount() {
    return items.size();
  }

  public int workerCount() {
    return workers.size();
  }

  public int classCount() {
    return labels.size();
  }

  public int answerCount() {
    return block.answers();
  }

  /** All answers as one block, grouped by item. */
  public ItemBlock block() {
    return block;
  }

  /** The same answers with gold kept only on the items {@code keep} accepts (by dense index). */
  public Answers withGoldOn(java.util.function.IntPredicate keep) {
    int[] gold = new int[itemCount()];
    for (int i = 0; i < gold.length; i++) {
      gold[i] = keep.test(i) ? block.gold(i) : ItemBlock.NO_GOLD;
    }
    return new Answers(
        items,
        workers,
        labels,
        new ItemBlock(block.start, block.worker, block.label, gold, block.itemIds));
  }

  /** Collects answers and gold; {@link #build()} indexes them. */
  public static final class Builder {
    private final List<String[]> rows = new ArrayList<>();
    private final Map<String, String> gold = new HashMap<>();
    private final TreeSet<String> declaredLabels = new TreeSet<>();

    private Builder() {}

    public Builder add(String item, String worker, String label) {
      if (item == null || worker == null || label == null) {
        throw new IllegalArgumentException(
            "Cannot add answer: item, worker and label are required, got "
                + item
                + ", "
                + worker
                + ", "
                + label);
      }
      rows.add(new String[] {item, worker, label});
      return this;
    }

    /** A known answer: the item's posterior is clamped to it by the models that use gold. */
    public Builder gold(String item, String label) {
      String previous = gold.putIfAbsent(item, label);
      if (previous != null && !previous.equals(label)) {
        throw new IllegalArgumentException(
            "Cannot add gold for item "
                + item
                + ": it already has gold label "
                + previous
                + ", not "
                + label);
      }
      return this;
    }

    /** Labels of the schema: part of the label set even when nobody chose them. */
    public Builder labels(Collection<String> labels) {
      declaredLabels.addAll(labels);
      return this;
    }

    public Answers build() {
      TreeMap<String, Integer> itemIndex = new TreeMap<>();
      TreeMap<String, Integer> workerIndex = new TreeMap<>();
      TreeSet<String> labelSet = new TreeSet<>(declaredLabels);
      for (String[] r : rows) {
        itemIndex.put(r[0], 0);
        workerIndex.put(r[1], 0);
        labelSet.add(r[2]);
      }
      for (Map.Entry<String, String> g : gold.entrySet()) {
        if (itemIndex.containsKey(g.getKey())) {
          labelSet.add(g.getValue());
        }
      }
      List<String> itemIds = renumber(itemIndex);
      List<String> workerIds = renumber(workerIndex);
      Map<String, Integer> labelIndex = new HashMap<>();
      List<String> labelIds = new ArrayList<>(labelSet);
      for (int k = 0; k < labelIds.size(); k++) {
        labelIndex.put(labelIds.get(k), k);
      }
      int n = rows.size();
      int[][] triples = new int[n][];
      for (int a = 0; a < n; a++) {
        String[] r = rows.get(a);
        triples[a] = new int[] {itemIndex.get(r[0]), workerIndex.get(r[1]), labelIndex.get(r[2])};
      }
      Arrays.sort(
          triples,
          (x, y) ->
              x[0] != y[0]
                  ? Integer.compare(x[0], y[0])
                  : x[1] != y[1] ? Integer.compare(x[1], y[1]) : Integer.compare(x[2], y[2]));
      int items = itemIds.size();
      int[] start = new int[items + 1];
      int[] worker = new int[n];
      int[] label = new int[n];
      for (int a = 0; a < n; a++) {
        start[triples[a][0] + 1]++;
        worker[a] = triples[a][1];
        label[a] = triples[a][2];
      }
      for (int i = 0; i < items; i++) {
        start[i + 1] += start[i];
      }
      int[] goldIndex = new int[items];
      Arrays.fill(goldIndex, ItemBlock.NO_GOLD);
      for (Map.Entry<String, String> g : gold.entrySet()) {
        Integer i = itemIndex.get(g.getKey());
        if (i != null) {
          goldIndex[i] = labelIndex.get(g.getValue());
        }
      }
      ItemBlock block =
          new ItemBlock(start, worker, label, goldIndex, itemIds.toArray(String[]::new));
      return new Answers(itemIds, workerIds, Collections.unmodifiableList(labelIds), block);
    }

    private static List<String> renumber(TreeMap<String, Integer> index) {
      List<String> ids = new ArrayList<>(index.size());
      for (Map.Entry<String, Integer> e : index.entrySet()) {
        e.setValue(ids.size());
        ids.add(e.getKey());
      }
      return Collections.unmodifiableList(ids);
    }
  }
}
