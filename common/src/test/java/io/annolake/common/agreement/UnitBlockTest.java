package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * Units from hash-sorted rows without Spark: latest answer per worker, collisions told apart, local
 * codes.
 */
class UnitBlockTest {
  private static InternalRow row(
      long k, String project, String step, String item, String worker, String label, Long time) {
    return new GenericInternalRow(
        new Object[] {k, s(project), s(step), s("v1"), null, s(item), s(worker), s(label), time});
  }

  private static UTF8String s(String v) {
    return v == null ? null : UTF8String.fromString(v);
  }

  @Test
  void buildsUnitsWithTheLatestAnswerPerWorkerAndSplitsHashCollisions() {
    List<InternalRow> rows =
        List.of(
            // k = 1: i1 of p1/s, w2's later "b" replaces its "a"; w1's two answers at the same
            // time: the larger label "c"
            row(1, "p1", "s", "i1", "w2", "a", 10L),
            row(1, "p1", "s", "i1", "w1", "c", 5L),
            row(1, "p1", "s", "i1", "w2", "b", 20L),
            row(1, "p1", "s", "i1", "w1", "a", 5L),
            // k = 1 as well (a collision): the same item id in another group, and another item
            row(1, "p2", "s", "i1", "w1", "x", null),
            row(1, "p1", "s", "i9", "w3", "a", 1L),
            // k = 2: an answer without time is the earliest
            row(2, "p1", "s", "i2", "w1", "b", null),
            row(2, "p1", "s", "i2", "w1", "a", 3L));

    UnitBlock block = UnitBlock.build(0, rows.iterator());
    UnitBlock.Dictionary d = block.dictionary();

    assertThat(block.units()).isEqualTo(4);
    assertThat(d.workers()).containsExactly("w2", "w1", "w3");
    assertThat(d.groups().length).isEqualTo(2);
    // identity recoding: read the units in local codes
    int[] groups = {0, 1};
    int[] workers = {0, 1, 2};
    int[][] labels = {identity(d.labels()[0].length), identity(d.labels()[1].length)};
    List<String> units = new ArrayList<>();
    for (Iterator<ItemAnswers> it = block.units(groups, workers, labels); it.hasNext(); ) {
      ItemAnswers u = it.next();
      StringBuilder text =
          new StringBuilder(String.join("/", d.groups()[u.group()][0], u.itemId()));
      for (int i = 0; i < u.workers().length; i++) {
        text.append(' ')
            .append(d.workers()[u.workers()[i]])
            .append('=')
            .append(d.labels()[u.group()][u.labels()[i]]);
      }
      units.add(text.toString());
    }
    assertThat(units).containsExactly("p1/i1 w2=b w1=c", "p2/i1 w1=x", "p1/i9 w3=a", "p1/i2 w1=a");
    // labels only superseded answers gave are in the dictionary but not used
    List<String> p1Labels = Arrays.asList(d.labels()[0]);
    assertThat(d.used()[0][p1Labels.indexOf("b")]).isTrue();
    assertThat(d.used()[0][p1Labels.indexOf("c")]).isTrue();
    assertThat(d.used()[0][p1Labels.indexOf("a")]).isTrue(); // w3 on i9 and w1 on i2
  }

  @Test
  void recodesWorkersInGlobalOrder() {
    UnitBlock block =
        UnitBlock.build(
            3,
            List.of(row(7, "p1", "s", "i1", "wb", "x", 1L), row(7, "p1", "s", "i1", "wa", "y", 1L))
                .iterator());
    // local codes: wb = 0, wa = 1; global (string order): wa = 0, wb = 1; labels x, y -> 5, 6
    ItemAnswers u = block.units(new int[] {4}, new int[] {1, 0}, new int[][] {{5, 6}}).next();

    assertThat(block.dictionary().partition()).isEqualTo(3);
    assertThat(u.group()).isEqualTo(4);
    assertThat(u.workers()).containsExactly(0, 1);
    assertThat(u.labels()).containsExactly(6, 5);
  }

  /**
   * A row without a worker is its item's consensus label: each kept answer of the item's units (any
   * guideline version) is compared with it; another item with the same hash, or a unit whose item
   * has no consensus row, gets -1. It adds no label to the dictionary and no unit.
   */
  @Test
  void comparesEachKeptAnswerWithItsItemsConsensusLabel() {
    UnitBlock block =
        UnitBlock.build(
            0,
            List.of(
                    row(1, "p1", "s", "i1", "w1", "a", 1L),
                    new GenericInternalRow(
                        new Object[] {
                          1L, s("p1"), s("s"), null, null, s("i1"), null, s("b"), null
                        }),
                    row(1, "p1", "s", "i1", "w2", "a", 1L),
                    row(
                        1, "p1", "s", "i1", "w2", "b",
                        2L), // w2's latest: b, equal to the consensus
                    new GenericInternalRow(
                        new Object[] {
                          1L, s("p1"), s("s"), s("v2"), null, s("i1"), s("w3"), s("a"), 1L
                        }),
                    row(
                        1, "p1", "s", "i7", "w1", "b",
                        1L), // same hash, no consensus row of its own
                    new GenericInternalRow(
                        new Object[] {
                          2L, s("p1"), s("s"), null, null, s("i8"), null, s("z"), null
                        }))
                .iterator());

    assertThat(block.units()).as("i1 in v1 and v2, i7; i8 has only a consensus row").isEqualTo(3);
    assertThat(Arrays.asList(block.dictionary().labels()[0])).doesNotContain("z");
    List<String> seen = new ArrayList<>();
    int[] groups = {0, 1};
    UnitBlock.Dictionary d = block.dictionary();
    int[][] labels = new int[d.groups().length][];
    for (int g = 0; g < labels.length; g++) {
      labels[g] = identity(d.labels()[g].length);
    }
    for (Iterator<ItemAnswers> it = block.units(groups, identity(d.workers().length), labels);
        it.hasNext(); ) {
      ItemAnswers u = it.next();
      StringBuilder text = new StringBuilder(u.itemId() + "@" + d.groups()[u.group()][2]);
      for (int i = 0; i < u.workers().length; i++) {
        text.append(' ').append(d.workers()[u.workers()[i]]).append('=').append(u.vsConsensus()[i]);
      }
      seen.add(text.toString());
    }
    assertThat(seen).containsExactly("i1@v1 w1=0 w2=1", "i1@v2 w3=0", "i7@v1 w1=-1");
  }

  private static int[] identity(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
