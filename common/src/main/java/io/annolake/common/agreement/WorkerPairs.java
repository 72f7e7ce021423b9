package io.annolake.common.agreement;

import static io.annolake.common.agreement.AgreementTransforms.broadcast;
import static io.annolake.common.agreement.AgreementTransforms.orNull;
import static org.apache.spark.sql.functions.col;

import io.annolake.common.aggregation.spark.InternalRows;
import io.annolake.common.agreement.UnitCoding.Coding;
import io.annolake.common.collect.LongList;
import io.annolake.common.schema.AgreementSchemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** worker_pair_agreement: Cohen's kappa of every worker pair sharing enough units in a slice. */
public final class WorkerPairs {
  private WorkerPairs() {}

  private static final StructType PAIR_CELLS =
      new StructType()
          .add("k", DataTypes.LongType, false)
          .add("s", DataTypes.IntegerType, false)
          .add("a", DataTypes.IntegerType, false)
          .add("b", DataTypes.IntegerType, false)
          .add("la", DataTypes.IntegerType, false)
          .add("lb", DataTypes.IntegerType, false);

  // PAIR_CELLS by name: internal rows are read by ordinal
  private static final int SLICE = PAIR_CELLS.fieldIndex("s");
  private static final int WORKER_A = PAIR_CELLS.fieldIndex("a");
  private static final int WORKER_B = PAIR_CELLS.fieldIndex("b");
  private static final int LABEL_A = PAIR_CELLS.fieldIndex("la");
  private static final int LABEL_B = PAIR_CELLS.fieldIndex("lb");

  /**
   * Cohen's kappa of every worker pair sharing at least {@code minOverlap} items in a slice. Cost
   * is quadratic in the workers of an item (pairs), linear in items. The key k packs (slice, worker
   * a, worker b) into one long; pairs are counted first on bare keys ({@link #qualifyingPairs}), so
   * the one shuffle of rows, one per pair and shared item, sorted by k (Spark radix-sorts one
   * long), carries only the pairs that will be written. When slices x workers^2 do not fit a long,
   * every pair's rows are shuffled, sorted by the three ints, and the small pairs dropped after.
   */
  public static Dataset<Row> workerPairs(
      JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, AgreementSettings settings) {
    AnswerCodes codes = coding.value().codes();
    long workers = Math.max(1, codes.workers());
    boolean packs = codes.slices() <= Long.MAX_VALUE / workers / workers;
    return workerPairs(
        items, coding, settings.minPairOverlap(), packs ? PairKeys.PACKED : PairKeys.UNPACKED);
  }

  /**
   * How worker pairs are keyed: one packed long, or (slice, a, b) when that does not fit a long.
   */
  enum PairKeys {
    PACKED,
    UNPACKED
  }

  static Dataset<Row> workerPairs(
      JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, int minOverlap, PairKeys keys) {
    SparkSession spark = SparkSession.active();
    boolean packs = keys == PairKeys.PACKED;
    long workers = Math.max(1, coding.value().codes().workers());
    // left to Spark's cleaner: the rows are read lazily, by the caller's write
    Broadcast<long[]> kept =
        packs ? broadcast(spark, qualifyingPairs(items, coding, workers, minOverlap)) : null;
    JavaRDD<InternalRow> cells =
        items.mapPartitions(
            it -> new PairCells(it, coding.value(), workers, packs ? kept.value() : null));
    Dataset<Row> shuffled =
        spark
            .internalCreateDataFrame(cells.rdd(), PAIR_CELLS, false)
            .repartition(col("s"), col("a"), col("b"));
    // one long key is radix-sorted; three ints need comparisons
    Dataset<Row> sorted =
        packs ? shuffled.sortWithinPartitions("k") : shuffled.sortWithinPartitions("s", "a", "b");
    JavaRDD<Row> pairs =
        sorted
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(rows -> new Pairs(rows, coding.value(), minOverlap));
    return spark.createDataFrame(pairs, AgreementSchemas.WORKER_PAIR_AGREEMENT);
  }

  /**
   * The packed keys of the pairs sharing at least {@code minOverlap} units, sorted: each partition
   * buckets its bare pair keys by hash, one long[] per bucket, and each bucket's keys are sorted
   * and counted in runs (a long per pair and unit crosses the shuffle, no row).
   */
  static long[] qualifyingPairs(
      JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, long workers, int minOverlap) {
    int buckets = Math.max(1, items.getNumPartitions());
    List<long[]> kept =
        items
            .mapPartitionsToPair(
                (Iterator<ItemAnswers> it) -> {
                  Coding c = coding.value();
                  LongList[] keys = new LongList[buckets];
                  for (int b = 0; b < buckets; b++) {
                    keys[b] = new LongList();
                  }
                  while (it.hasNext()) {
                    ItemAnswers i = it.next();
                    long s = c.codes().slice(i.group());
                    int[] w = i.workers();
                    for (int a = 0; a < w.length; a++) {
                      for (int b = a + 1; b < w.length; b++) {
                        long k = pairKey(s, w[a], w[b], workers);
                        keys[bucket(k, buckets)].add(k);
                      }
                    }
                  }
                  List<scala.Tuple2<Integer, long[]>> out = new ArrayList<>(buckets);
                  for (int b = 0; b < buckets; b++) {
                    out.add(new scala.Tuple2<>(b, keys[b].toArray()));
                  }
                  return out.iterator();
                })
            .partitionBy(new org.apache.spark.HashPartitioner(buckets))
            .mapPartitions(parts -> List.of(keysAtLeast(parts, minOverlap)).iterator())
            .collect();
    long[] all = kept.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  /** The keys occurring at least {@code minOverlap} times in the arrays, once each, sorted. */
  static long[] keysAtLeast(Iterator<scala.Tuple2<Integer, long[]>> parts, int minOverlap) {
    LongList all = new LongList();
    while (parts.hasNext()) {
      all.addAll(parts.next()._2());
    }
    long[] keys = all.toArray();
    Arrays.sort(keys);
    LongList out = new LongList();
    for (int i = 0, j; i < keys.length; i = j) {
      for (j = i + 1; j < keys.length && keys[j] == keys[i]; j++) {}
      if (j - i >= minOverlap) {
        out.add(keys[i]);
      }
    }
    return out.toArray();
  }

  /**
   * (slice, worker a, worker b) packed into one long: the one key the counting and the cells share.
   */
  private static long pairKey(long slice, int a, int b, long workers) {
    return (slice * workers + a) * workers + b;
  }

  /** A pair key's bucket: a hash that mixes the low bits (workers b) with the high ones. */
  private static int bucket(long k, int buckets) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) Math.floorMod(h ^ (h >>> 32), (long) buckets);
  }

  /**
   * The cells of one partition's units, lazily: (k, slice, worker a, worker b, category of a,
   * category of b) per pair and shared unit; with packed keys only the pairs in {@code wanted}. One
   * iterator per partition, not per unit: most units have no qualifying pair.
   */
  private static final class PairCells implements Iterator<InternalRow> {
    private final Iterator<ItemAnswers> items;
    private final Coding coding;
    private final long workers;
    private final long[] wanted;
    private ItemAnswers unit;
    private int slice;

    /** The next pair of the unit to look at: its workers' positions, a < b. */
    private int a;

    private int b;
    private InternalRow ready;

    /**
     * @param wanted the packed keys to emit, sorted; null: every pair, unpacked (k = 0)
     */
    PairCells(Iterator<ItemAnswers> items, Coding coding, long workers, long[] wanted) {
      this.items = items;
      this.coding = coding;
      this.workers = workers;
      this.wanted = wanted;
    }

    @Override
    public boolean hasNext() {
      while (ready == null) {
        if (unit == null || a >= unit.workers().length - 1) {
          if (!items.hasNext()) {
            return false;
          }
          unit = items.next();
          slice = coding.codes().slice(unit.group());
          a = 0;
          b = 1;
          continue;
        }
        int[] w = unit.workers();
        int x = a;
        int y = b;
        if (++b == w.length) {
          a++;
          b = a + 1;
        }
        long k = wanted == null ? 0 : pairKey(slice, w[x], w[y], workers);
        if (wanted == null || Arrays.binarySearch(wanted, k) >= 0) {
          int g = unit.group();
          int[] l = unit.labels();
          ready =
              InternalRows.of(
                  k, slice, w[x], w[y], coding.category(g, l[x]), coding.category(g, l[y]));
        }
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      InternalRow r = ready;
      ready = null;
      return r;
    }
  }

  /**
   * Streams the cells of pairs sorted by (slice, worker a, worker b) into one row per pair with
   * enough overlap.
   */
  private static final class Pairs implements Iterator<Row> {
    private final Iterator<InternalRow> rows;
    private final Coding coding;
    private final int minOverlap;
    private InternalRow pending;
    private Row ready;

    /** The current pair's cells: the two workers' categories on each shared unit. */
    private int[] first = new int[64];

    private int[] second = new int[64];
    private int cells;

    Pairs(Iterator<InternalRow> rows, Coding coding, int minOverlap) {
      this.rows = rows;
      this.coding = coding;
      this.minOverlap = minOverlap;
      this.pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      while (ready == null && pending != null) {
        int s = pending.getInt(SLICE);
        int a = pending.getInt(WORKER_A);
        int b = pending.getInt(WORKER_B);
        cells = 0;
        while (pending != null
            && pending.getInt(SLICE) == s
            && pending.getInt(WORKER_A) == a
            && pending.getInt(WORKER_B) == b) {
          if (cells == first.length) {
            first = Arrays.copyOf(first, cells * 2);
            second = Arrays.copyOf(second, cells * 2);
          }
          first[cells] = pending.getInt(LABEL_A);
          second[cells++] = pending.getInt(LABEL_B);
          pending = rows.hasNext() ? rows.next() : null;
        }
        if (cells >= minOverlap) {
          ready = pairRow(s, a, b);
        }
      }
      return ready != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = ready;
      ready = null;
      return r;
    }

    /** The pair's table over the labels it used, in string order (as the labels' own order). */
    private Row pairRow(int s, int a, int b) {
      int[] rank = coding.stringRank(s);
      TreeSet<Integer> seen = new TreeSet<>(Comparator.comparingInt(c -> rank[c]));
      for (int i = 0; i < cells; i++) {
        seen.add(first[i]);
        seen.add(second[i]);
      }
      Map<Integer, Integer> index = new HashMap<>();
      for (int c : seen) {
        index.put(c, index.size());
      }
      long[][] table = new long[index.size()][index.size()];
      long agree = 0;
      for (int i = 0; i < cells; i++) {
        table[index.get(first[i])][index.get(second[i])]++;
        agree += first[i] == second[i] ? 1 : 0;
      }
      long n = cells;
      Coefficient k = CohenKappa.compute(table);
      Object[] slice = coding.codes().sliceColumns(s);
      return RowFactory.create(
          slice[0],
          slice[1],
          slice[2],
          slice[3],
          coding.codes().workerId(a),
          coding.codes().workerId(b),
          n,
          (double) agree / n,
          orNull(k.value()),
          orNull(k.standardError()),
          k.status().name(),
          k.error());
    }
  }
}
