package io.annolake.common.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants every aggregator keeps, on random small crowds. */
class AggregatorPropertiesTest {
  private static List<String[]> crowd(long seed) {
    Random r = new Random(seed);
    int items = 1 + r.nextInt(30);
    int workers = 1 + r.nextInt(8);
    int classes = 1 + r.nextInt(4);
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      int n = 1 + r.nextInt(workers);
      for (int j = 0; j < n; j++) {
        rows.add(new String[] {"item-" + i, "w/" + ((i + j) % workers), "L" + r.nextInt(classes)});
      }
    }
    return rows;
  }

  private static Answers build(List<String[]> rows) {
    Answers.Builder b = Answers.builder();
    rows.forEach(r -> b.add(r[0], r[1], r[2]));
    return b.build();
  }

  @Property(tries = 40)
  void rowOrderDoesNotChangeResults(@ForAll long seed) {
    List<String[]> rows = crowd(seed);
    List<String[]> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(seed + 1));
    for (String method : Aggregators.NAMES) {
      AggregationModel a = Aggregators.byName(method).fit(build(rows));
      AggregationModel b = Aggregators.byName(method).fit(build(shuffled));
      assertThat(b.probas()).as(method).isEqualTo(a.probas());
      assertThat(b.labels()).as(method).isEqualTo(a.labels());
    }
  }

  @Property(tries = 40)
  void posteriorsSumToOne(@ForAll long seed) {
    Answers answers = build(crowd(seed));
    for (String method : Aggregators.NAMES) {
      AggregationModel m = Aggregators.byName(method).fit(answers);
      for (int i = 0; i < answers.itemCount(); i++) {
        double sum = 0;
        for (int k = 0; k < answers.classCount(); k++) {
          assertThat(m.proba(i, k)).as(method).isBetween(0.0, 1.0);
          sum += m.proba(i, k);
        }
        assertThat(sum).as(method).isCloseTo(1.0, within(1e-9));
      }
    }
  }

  @Property(tries = 60)
  void dawidSkeneFromIdentityAfterOneIterationIsMajorityVote(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int unused) {
    Answers answers = build(crowd(seed));
    AggregationModel mv = new MajorityVote().fit(answers);
    AggregationModel ds =
        new DawidSkene(new DawidSkene.Settings(1, 1e-5, 0.01, DawidSkene.Init.IDENTITY))
            .fit(answers);
    assertThat(ds.labels()).isEqualTo(mv.labels());
  }
}
