package io.annolake.common.aggregation.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.aggregation.ItemBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * Blocks from rows sorted by the item hash alone: the rows of an item come in any order and items
 * whose hashes collide arrive interleaved, yet every item is built once, whole, with its answers in
 * one canonical order (worker, label, annotation id).
 */
class BlockBuilderTest {
  private static final String[] WORKERS = {"w1", "w2", "w3"};
  private static final String[] LABELS = {"cat", "dog"};

  private static InternalRow answer(
      long hash, String item, String worker, String label, String id) {
    return row(hash, item, SparkAggregation.ANSWER, worker, label, id, null);
  }

  private static InternalRow row(
      long hash, String item, int kind, String worker, String label, String id, String gold) {
    return new GenericInternalRow(
        new Object[] {
          utf8("p"),
          utf8("s"),
          utf8(item),
          kind,
          utf8(worker),
          utf8(label),
          utf8(id),
          utf8("v1"),
          utf8(gold),
          null,
          null,
          null,
          hash
        });
  }

  private static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }

  /** Item a (hash 7) collides with item b (hash 7, another item); item c has hash 9. */
  private static List<InternalRow> run() {
    List<InternalRow> rows = new ArrayList<>();
    rows.add(answer(7, "a", "w3", "dog", "a-3"));
    rows.add(answer(7, "b", "w2", "cat", "b-2"));
    rows.add(answer(7, "a", "w1", "cat", "a-1"));
    rows.add(row(7, "b", SparkAggregation.FACT, null, null, null, "dog"));
    rows.add(answer(7, "a", "w1", "cat", "a-0"));
    rows.add(answer(7, "b", "w1", "dog", "b-1"));
    rows.add(row(7, "a", SparkAggregation.EXCLUDED, "w2", "cat", "a-x2", null));
    rows.add(row(7, "a", SparkAggregation.EXCLUDED, "w2", "dog", "a-x1", null));
    return rows;
  }

  private static TaskBlock build(List<InternalRow> hash7) {
    List<InternalRow> rows = new ArrayList<>(hash7);
    rows.add(answer(9, "c", "w2", "dog", "c-2"));
    rows.add(answer(9, "c", "w1", "dog", "c-1"));
    List<LocalBlock> blocks = BlockBuilder.buildAll(rows.iterator());
    assertThat(blocks).hasSize(1);
    return blocks.get(0).toGlobal(0, WORKERS, LABELS);
  }

  /** item id -> "worker:label:annotation id" of its answers in block order. */
  private static List<String> describe(TaskBlock tb) {
    ItemBlock b = tb.block();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < b.items(); i++) {
      StringBuilder s =
          new StringBuilder(b.itemId(i))
              .append(" gold=")
              .append(b.gold(i) == ItemBlock.NO_GOLD ? "-" : LABELS[b.gold(i)]);
      for (int a = b.start(i); a < b.end(i); a++) {
        s.append(' ')
            .append(WORKERS[b.worker(a)])
            .append(':')
            .append(LABELS[b.label(a)])
            .append(':')
            .append(tb.facts().annotationId(a));
      }
      s.append(" excluded=").append(String.join(",", tb.facts().excluded(i)));
      out.add(s.toString());
    }
    return out;
  }

  @Test
  void collidingItemsAreBuiltApartWithAnswersInCanonicalOrder() {
    assertThat(describe(build(run())))
        .containsExactly(
            "a gold=- w1:cat:a-0 w1:cat:a-1 w3:dog:a-3 excluded=a-x1,a-x2",
            "b gold=dog w1:dog:b-1 w2:cat:b-2 excluded=",
            "c gold=- w1:dog:c-1 w2:dog:c-2 excluded=");
  }

  @Test
  void theOrderRowsArriveInWithinAHashDoesNotChangeTheItemsAnswers() {
    List<String> expected = describe(build(run()));
    Random random = new Random(3);
    for (int i = 0; i < 20; i++) {
      List<InternalRow> rows = run();
      Collections.shuffle(rows, random);
      List<String> got = new ArrayList<>(describe(build(rows)));
      // which colliding item is met first decides their order in the block; each item is the same
      assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
