package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import io.annolake.common.collect.ByteList;
import io.annolake.common.collect.IntList;
import io.annolake.common.schema.Columns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns one partition of {@link SparkAggregation#STREAM} rows (Spark's internal rows, so no string
 * is decoded that is not kept) followed by the item hash, sorted by that hash alone, into one
 * {@link LocalBlock} per task present: answers indexed in dictionaries local to the partition (the
 * global ones are merged from these afterwards, which saves a pass over the answers), per-item
 * facts beside them. An item's rows come in any order ({@link LocalBlock#toGlobal} orders its
 * answers); items whose hashes collide are told apart exactly. Items of different tasks may
 * alternate. Items with facts but no answer at all are skipped.
 */
final class BlockBuilder {
  /** The item hash column, after STREAM's. */
  private static final int HASH = SparkAggregation.STREAM.fields().length;

  // STREAM's columns by name: internal rows are read by ordinal
  private static final int PROJECT = SparkAggregation.STREAM.fieldIndex(Columns.PROJECT_ID);
  private static final int STEP = SparkAggregation.STREAM.fieldIndex(Columns.STEP);
  private static final int ITEM = SparkAggregation.STREAM.fieldIndex(Columns.ITEM_ID);
  private static final int KIND = SparkAggregation.STREAM.fieldIndex("kind");
  private static final int WORKER = SparkAggregation.STREAM.fieldIndex(Columns.WORKER_ID);
  private static final int LABEL = SparkAggregation.STREAM.fieldIndex(Columns.LABEL);
  private static final int ANSWER_ID = SparkAggregation.STREAM.fieldIndex(Columns.ANNOTATION_ID);
  private static final int VERSION = SparkAggregation.STREAM.fieldIndex(Columns.GUIDELINE_VERSION);
  private static final int GOLD = SparkAggregation.STREAM.fieldIndex(Columns.GOLD_LABEL);
  private static final int ADJUDICATED = SparkAggregation.STREAM.fieldIndex("adjudicated_label");
  private static final int ADJUDICATED_BY =
      SparkAggregation.STREAM.fieldIndex(Columns.ADJUDICATED_BY);
  private static final int FLAG_IDS = SparkAggregation.STREAM.fieldIndex("flag_ids");

  /** Rows of colliding items in (project, step, item) order. */
  private static final Comparator<InternalRow> ITEM_ORDER =
      Comparator.comparing((InternalRow r) -> r.getUTF8String(PROJECT))
          .thenComparing(r -> r.getUTF8String(STEP))
          .thenComparing(r -> r.getUTF8String(ITEM));

  private final UTF8String projectKey;
  private final UTF8String stepKey;
  private final Map<UTF8String, Integer> workers = new HashMap<>();
  private final Map<UTF8String, Integer> labels = new HashMap<>();
  private final IntList start = new IntList(1024);
  private final IntList worker = new IntList(1024);
  private final IntList label = new IntList(1024);
  private final IntList gold = new IntList(1024);
  private final ByteList idBytes = new ByteList(4096);
  private final IntList idEnds = new IntList(1024);
  private final List<String> items = new ArrayList<>();
  private final List<String> versions = new ArrayList<>();
  private final List<String> adjudicated = new ArrayList<>();
  private final List<String> adjudicatedBy = new ArrayList<>();
  private final List<String[]> excluded = new ArrayList<>();
  private final List<String[][]> flagged = new ArrayList<>();
  private final List<String[]> superseded = new ArrayList<>();
  private final List<String[]> allVersions = new ArrayList<>();
  private final List<String> orphanIds = new ArrayList<>();
  private final List<String> orphanGold = new ArrayList<>();
  private final List<String> orphanVersions = new ArrayList<>();
  private final List<String> orphanAdjudicated = new ArrayList<>();
  private final List<String> orphanAdjudicatedBy = new ArrayList<>();
  private final List<String[]> orphanExcluded = new ArrayList<>();
  private final List<String[][]> orphanFlagged = new ArrayList<>();
  private final List<String[]> orphanSuperseded = new ArrayList<>();
  private final List<String[]> orphanAllVersions = new ArrayList<>();

  /** Each distinct set of versions once: items share a few (v1; v2; v1 and v2). */
  private final Map<String, String[]> versionSets = new HashMap<>();

  /** Few distinct values repeat on every item (versions, experts): one instance each. */
  private final Map<UTF8String, String> interned = new HashMap<>();

  // the item being read
  private UTF8String current;
  private String itemGold;
  private UTF8String itemVersionKey;
  private String itemVersion;
  private String itemAdjudicated;
  private String itemAdjudicatedBy;
  private int itemAnswers;
  private final List<String> itemExcluded = new ArrayList<>();

  /** Left-out answers of the item that flags left out: annotation id, then the flag ids. */
  private final List<String[]> itemFlagged = new ArrayList<>();

  private final List<String> itemSuperseded = new ArrayList<>();
  private final java.util.TreeSet<String> itemVersions = new java.util.TreeSet<>();

  private BlockBuilder(UTF8String project, UTF8String step) {
    this.projectKey = project;
    this.stepKey = step;
    start.add(0);
  }

  static List<LocalBlock> buildAll(Iterator<InternalRow> rows) {
    Map<UTF8String, Map<UTF8String, BlockBuilder>> byTask = new LinkedHashMap<>();
    BlockBuilder builder = null;
    long hash = 0;
    // Rows of the run of equal hashes that belong to another item than the one being read: a
    // collision (about one in 10^7 datasets of millions of items), read once the run ends.
    List<InternalRow> collided = new ArrayList<>();
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      long h = r.getLong(HASH);
      if (builder != null && h == hash) {
        if (!builder.reading(r)) {
          collided.add(r.copy());
          continue;
        }
      } else if (!collided.isEmpty()) {
        builder = addCollided(byTask, builder, collided);
      }
      hash = h;
      builder = builderFor(byTask, builder, r);
      builder.add(r);
    }
    addCollided(byTask, builder, collided);
    List<LocalBlock> out = new ArrayList<>();
    byTask.values().forEach(steps -> steps.values().forEach(b -> out.add(b.finish())));
    return out;
  }

  private static BlockBuilder addCollided(
      Map<UTF8String, Map<UTF8String, BlockBuilder>> byTask,
      BlockBuilder builder,
      List<InternalRow> collided) {
    collided.sort(ITEM_ORDER);
    for (InternalRow r : collided) {
      builder = builderFor(byTask, builder, r);
      builder.add(r);
    }
    collided.clear();
    return builder;
  }

  private static BlockBuilder builderFor(
      Map<UTF8String, Map<UTF8String, BlockBuilder>> byTask, BlockBuilder builder, InternalRow r) {
    UTF8String project = r.getUTF8String(PROJECT);
    UTF8String step = r.getUTF8String(STEP);
    if (builder != null && builder.projectKey.equals(project) && builder.stepKey.equals(step)) {
      return builder;
    }
    return byTask
        .computeIfAbsent(project.clone(), p -> new LinkedHashMap<>())
        .computeIfAbsent(step.clone(), x -> new BlockBuilder(project.clone(), step.clone()));
  }

  /** Whether the row is of the item this builder is reading. */
  private boolean reading(InternalRow r) {
    return current != null
        && projectKey.equals(r.getUTF8String(PROJECT))
        && stepKey.equals(r.getUTF8String(STEP))
        && current.equals(r.getUTF8String(ITEM));
  }

  private void add(InternalRow r) {
    UTF8String item = r.getUTF8String(ITEM);
    if (!item.equals(current)) {
      flushItem();
      current = item.clone();
    }
    switch (r.getInt(KIND)) {
      case SparkAggregation.FACT -> {
        if (!r.isNullAt(GOLD)
            && (itemGold == null || r.getUTF8String(GOLD).toString().compareTo(itemGold) > 0)) {
          itemGold = r.getUTF8String(GOLD).toString();
        }
        if (!r.isNullAt(ADJUDICATED)) {
          itemAdjudicated = intern(r.getUTF8String(ADJUDICATED));
          itemAdjudicatedBy = intern(r.getUTF8String(ADJUDICATED_BY));
        }
      }
      case SparkAggregation.ANSWER -> {
        worker.add(index(workers, r.getUTF8String(WORKER)));
        label.add(index(labels, r.getUTF8String(LABEL)));
        if (!r.isNullAt(ANSWER_ID)) {
          idBytes.add(r.getUTF8String(ANSWER_ID));
        }
        idEnds.add(idBytes.size());
        version(r);
        itemAnswers++;
      }
      case SparkAggregation.SUPERSEDED -> {
        itemSuperseded.add(r.getUTF8String(ANSWER_ID).toString());
        version(r);
      }
      default -> {
        String id = r.getUTF8String(ANSWER_ID).toString();
        itemExcluded.add(id);
        if (!r.isNullAt(FLAG_IDS)) {
          org.apache.spark.sql.catalyst.util.ArrayData flags = r.getArray(FLAG_IDS);
          String[] entry = new String[flags.numElements() + 1];
          entry[0] = id;
          for (int f = 0; f < flags.numElements(); f++) {
            entry[f + 1] = intern(flags.getUTF8String(f));
          }
          itemFlagged.add(entry);
        }
        version(r);
      }
    }
  }

  private void version(InternalRow r) {
    if (r.isNullAt(VERSION)) {
      return;
    }
    UTF8String v = r.getUTF8String(VERSION);
    itemVersions.add(intern(v));
    if (itemVersionKey == null || v.compareTo(itemVersionKey) > 0) {
      itemVersionKey = v.clone();
      itemVersion = intern(v);
    }
  }

  private void flushItem() {
    if (current == null) {
      return;
    }
    String[] out =
        itemExcluded.isEmpty() ? null : itemExcluded.stream().sorted().toArray(String[]::new);
    String[] stale =
        itemSuperseded.isEmpty() ? null : itemSuperseded.stream().sorted().toArray(String[]::new);
    String[] versionSet =
        versionSets.computeIfAbsent(
            String.join("\u0000", itemVersions), k -> itemVersions.toArray(String[]::new));
    String[][] flags =
        itemFlagged.isEmpty()
            ? null
            : itemFlagged.stream()
                .sorted(java.util.Comparator.comparing(e -> e[0]))
                .toArray(String[][]::new);
    if (itemAnswers > 0) {
      items.add(current.toString());
      start.add(worker.size());
      gold.add(
          itemGold == null ? ItemBlock.NO_GOLD : index(labels, UTF8String.fromString(itemGold)));
      versions.add(itemVersion);
      adjudicated.add(itemAdjudicated);
      adjudicatedBy.add(itemAdjudicatedBy);
      excluded.add(out);
      flagged.add(flags);
      superseded.add(stale);
      allVersions.add(versionSet);
    } else if (out != null || stale != null) {
      orphanIds.add(current.toString());
      orphanGold.add(itemGold);
      orphanVersions.add(itemVersion);
      orphanAdjudicated.add(itemAdjudicated);
      orphanAdjudicatedBy.add(itemAdjudicatedBy);
      orphanExcluded.add(out);
      orphanFlagged.add(flags);
      orphanSuperseded.add(stale);
      orphanAllVersions.add(versionSet);
    }
    current = null;
    itemGold = null;
    itemVersionKey = null;
    itemVersion = null;
    itemAdjudicated = null;
    itemAdjudicatedBy = null;
    itemAnswers = 0;
    itemExcluded.clear();
    itemFlagged.clear();
    itemSuperseded.clear();
    itemVersions.clear();
  }

  private LocalBlock finish() {
    flushItem();
    ItemBlock block =
        new ItemBlock(
            start.toArray(),
            worker.toArray(),
            label.toArray(),
            gold.toArray(),
            items.toArray(String[]::new));
    ItemFacts.Orphans orphans =
        new ItemFacts.Orphans(
            orphanIds.toArray(String[]::new),
            orphanGold.toArray(String[]::new),
            orphanVersions.toArray(String[]::new),
            orphanAdjudicated.toArray(String[]::new),
            orphanAdjudicatedBy.toArray(String[]::new),
            orphanExcluded.toArray(String[][]::new),
            orphanFlagged.toArray(String[][][]::new),
            orphanSuperseded.toArray(String[][]::new),
            orphanAllVersions.toArray(String[][]::new));
    ItemFacts facts =
        new ItemFacts(
            idBytes.toArray(),
            idEnds.toArray(),
            versions.toArray(String[]::new),
            adjudicated.toArray(String[]::new),
            adjudicatedBy.toArray(String[]::new),
            excluded.toArray(String[][]::new),
            flagged.toArray(String[][][]::new),
            superseded.toArray(String[][]::new),
            allVersions.toArray(String[][]::new),
            orphans);
    return new LocalBlock(
        projectKey.toString(), stepKey.toString(), keys(workers), keys(labels), block, facts);
  }

  /** A dictionary's ids by local index. */
  private static String[] keys(Map<UTF8String, Integer> dictionary) {
    String[] out = new String[dictionary.size()];
    dictionary.forEach((id, i) -> out[i] = id.toString());
    return out;
  }

  private String intern(UTF8String s) {
    if (s == null) {
      return null;
    }
    String known = interned.get(s);
    if (known == null) {
      known = s.toString();
      interned.put(s.clone(), known);
    }
    return known;
  }

  /** The id's local index; a new id is copied (the row it came from is reused by Spark). */
  private static int index(Map<UTF8String, Integer> dictionary, UTF8String id) {
    Integer i = dictionary.get(id);
    if (i == null) {
      i = dictionary.size();
      dictionary.put(id.clone(), i);
    }
    return i;
  }
}
