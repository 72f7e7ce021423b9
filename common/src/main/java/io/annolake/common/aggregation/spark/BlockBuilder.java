package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Turns one partition of {@link SparkAggregation#STREAM} rows, sorted by task, item, kind, worker
 * and label, into one {@link LocalBlock} per task present: answers indexed in dictionaries local
 * to the partition (the global ones are merged from these afterwards, which saves a pass over the
 * answers), per-item facts beside them. Items with facts but no answer at all are skipped.
 */
final class BlockBuilder {
  private final String project;
  private final String step;
  private final Map<String, Integer> workers = new HashMap<>();
  private final Map<String, Integer> labels = new HashMap<>();
  private final IntList start = new IntList();
  private final IntList worker = new IntList();
  private final IntList label = new IntList();
  private final IntList gold = new IntList();
  private final ByteList idBytes = new ByteList();
  private final IntList idEnds = new IntList();
  private final List<String> items = new ArrayList<>();
  private final List<String> versions = new ArrayList<>();
  private final List<String> adjudicated = new ArrayList<>();
  private final List<String> adjudicatedBy = new ArrayList<>();
  private final List<String[]> excluded = new ArrayList<>();
  private final List<String> orphanIds = new ArrayList<>();
  private final List<String> orphanGold = new ArrayList<>();
  private final List<String> orphanVersions = new ArrayList<>();
  private final List<String> orphanAdjudicated = new ArrayList<>();
  private final List<String> orphanAdjudicatedBy = new ArrayList<>();
  private final List<String[]> orphanExcluded = new ArrayList<>();
  /** Few distinct values repeat on every item (versions, labels, experts): one instance each. */
  private final Map<String, String> interned = new HashMap<>();

  // the item being read
  private String current;
  private String itemGold;
  private String itemVersion;
  private String itemAdjudicated;
  private String itemAdjudicatedBy;
  private int itemAnswers;
  private final List<String> itemExcluded = new ArrayList<>();

  private BlockBuilder(String project, String step) {
    this.project = project;
    this.step = step;
    start.add(0);
  }

  static List<LocalBlock> buildAll(Iterator<Row> rows) {
    List<LocalBlock> out = new ArrayList<>();
    BlockBuilder builder = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (builder == null || !builder.project.equals(r.getString(0)) || !builder.step.equals(r.getString(1))) {
        if (builder != null) {
          out.add(builder.finish());
        }
        builder = new BlockBuilder(r.getString(0), r.getString(1));
      }
      builder.add(r);
    }
    if (builder != null) {
      out.add(builder.finish());
    }
    return out;
  }

  private void add(Row r) {
    String item = r.getString(2);
    if (!item.equals(current)) {
      flushItem();
      current = item;
    }
    switch (r.getInt(3)) {
      case SparkAggregation.FACT -> {
        if (!r.isNullAt(8) && (itemGold == null || r.getString(8).compareTo(itemGold) > 0)) {
          itemGold = r.getString(8);
        }
        if (!r.isNullAt(9)) {
          itemAdjudicated = intern(r.getString(9));
          itemAdjudicatedBy = intern(r.getString(10));
        }
      }
      case SparkAggregation.ANSWER -> {
        worker.add(index(workers, r.getString(4)));
        label.add(index(labels, r.getString(5)));
        idBytes.add(r.isNullAt(6) ? new byte[0] : r.getString(6).getBytes(StandardCharsets.UTF_8));
        idEnds.add(idBytes.size);
        version(r);
        itemAnswers++;
      }
      default -> {
        itemExcluded.add(r.getString(6));
        version(r);
      }
    }
  }

  private void version(Row r) {
    if (!r.isNullAt(7) && (itemVersion == null || r.getString(7).compareTo(itemVersion) > 0)) {
      itemVersion = intern(r.getString(7));
    }
  }

  private void flushItem() {
    if (current == null) {
      return;
    }
    String[] out = itemExcluded.isEmpty() ? null : itemExcluded.toArray(String[]::new);
    if (itemAnswers > 0) {
      items.add(current);
      start.add(worker.size);
      gold.add(itemGold == null ? ItemBlock.NO_GOLD : index(labels, itemGold));
      versions.add(itemVersion);
      adjudicated.add(itemAdjudicated);
      adjudicatedBy.add(itemAdjudicatedBy);
      excluded.add(out);
    } else if (out != null) {
      orphanIds.add(current);
      orphanGold.add(itemGold);
      orphanVersions.add(itemVersion);
      orphanAdjudicated.add(itemAdjudicated);
      orphanAdjudicatedBy.add(itemAdjudicatedBy);
      orphanExcluded.add(out);
    }
    current = null;
    itemGold = null;
    itemVersion = null;
    itemAdjudicated = null;
    itemAdjudicatedBy = null;
    itemAnswers = 0;
    itemExcluded.clear();
  }

  private LocalBlock finish() {
    flushItem();
    ItemBlock block =
        new ItemBlock(start.toArray(), worker.toArray(), label.toArray(), gold.toArray(), items.toArray(String[]::new));
    ItemFacts.Orphans orphans =
        new ItemFacts.Orphans(
            orphanIds.toArray(String[]::new), orphanGold.toArray(String[]::new), orphanVersions.toArray(String[]::new),
            orphanAdjudicated.toArray(String[]::new), orphanAdjudicatedBy.toArray(String[]::new),
            orphanExcluded.toArray(String[][]::new));
    ItemFacts facts =
        new ItemFacts(
            idBytes.toArray(), idEnds.toArray(), versions.toArray(String[]::new), adjudicated.toArray(String[]::new),
            adjudicatedBy.toArray(String[]::new), excluded.toArray(String[][]::new), orphans);
    return new LocalBlock(project, step, keys(workers), keys(labels), block, facts);
  }

  /** A dictionary's ids by local index. */
  private static String[] keys(Map<String, Integer> dictionary) {
    String[] out = new String[dictionary.size()];
    dictionary.forEach((id, i) -> out[i] = id);
    return out;
  }

  private String intern(String s) {
    return s == null ? null : interned.computeIfAbsent(s, v -> v);
  }

  private static int index(Map<String, Integer> dictionary, String id) {
    Integer i = dictionary.get(id);
    if (i == null) {
      i = dictionary.size();
      dictionary.put(id, i);
    }
    return i;
  }

  /** A growable int array (boxing 10M answers would cost more than the answers). */
  private static final class IntList {
    private int[] values = new int[1024];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** A growable byte array. */
  private static final class ByteList {
    private byte[] values = new byte[4096];
    private int size;

    void add(byte[] v) {
      if (size + v.length > values.length) {
        values = Arrays.copyOf(values, Math.max(values.length * 2, size + v.length));
      }
      System.arraycopy(v, 0, values, size, v.length);
      size += v.length;
    }

    byte[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
