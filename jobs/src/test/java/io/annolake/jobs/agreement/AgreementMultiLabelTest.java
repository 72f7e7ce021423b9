package io.annolake.jobs.agreement;

import static io.annolake.jobs.CliRun.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agreement on a multi-label step, per label (present / absent), hand-computed: a set is not one
 * category, and a worker's agreement with consensus compares with each label's decision.
 */
class AgreementMultiLabelTest {
  @TempDir Path dir;

  @Test
  void eachLabelIsASliceOfItsOwn() throws Exception {
    Path schemas = Files.createDirectories(dir.resolve("landing/schemas"));
    Files.writeString(
        schemas.resolve("schemas.jsonl"),
        "{\"project_id\":\"p\",\"step\":\"attributes\",\"guideline_version\":\"v1\","
            + "\"label_type\":\"multi_label\",\"labels\":[\"red\",\"blue\",\"striped\"],"
            + "\"min_annotators\":3,\"accept_threshold\":0.8,\"decision_policy\":\"votes\"}\n");
    // as sets, m1's three answers all differ; per label: red 3 of 3 present, blue and striped
    // 1 of 3 present. m2 is unanimous.
    String[][] answers = {
      {"m1", "[\"red\",\"striped\"]", "[\"red\"]", "[\"blue\",\"red\"]"},
      {"m2", "[\"blue\"]", "[\"blue\"]", "[\"blue\"]"},
    };
    List<String> lines = new ArrayList<>();
    for (String[] a : answers) {
      for (int k = 1; k < a.length; k++) {
        lines.add(
            String.format(
                "{\"annotation_id\":\"%s-w%d\",\"project_id\":\"p\",\"item_id\":\"%s\","
                    + "\"step\":\"attributes\",\"worker_id\":\"w%d\",\"label\":%s,"
                    + "\"guideline_version\":\"v1\",\"submitted_at\":\"2026-01-05T10:00:00Z\"}",
                a[0], k, a[0], k, a[k]));
      }
    }
    Path annotations = Files.createDirectories(dir.resolve("landing/annotations"));
    Files.write(annotations.resolve("answers.jsonl"), lines);
    String root = dir.resolve("lh").toString();
    ok("ingest", "--lakehouse", root, "--source", schemas.toString(), "--kind", "schema");
    ok("ingest", "--lakehouse", root, "--source", annotations.toString());
    ok("consensus", "--lakehouse", root, "--method", "mv");
    ok("agreement", "--lakehouse", root, "--resamples", "0", "--level", "nominal");

    Lakehouse lh = new Lakehouse(SparkTestSession.get(), root, "annolake");
    Map<String, Double> alpha = new TreeMap<>();
    lh.read(Tables.AGREEMENT_SUMMARY)
        .where("metric = 'krippendorff_alpha' AND level = 'nominal' AND day IS NULL")
        .collectAsList()
        .forEach(r -> alpha.put(r.getAs("step"), r.getAs("value")));
    assertThat(alpha)
        .as("one slice per label, none for the set")
        .containsOnlyKeys("attributes[blue]", "attributes[red]", "attributes[striped]");
    // red: present x3 on m1, absent x3 on m2: perfect agreement
    assertThat(alpha.get("attributes[red]")).isCloseTo(1.0, within(1e-9));
    // blue: m1 absent, absent, present; m2 present x3. Coincidences o(a,a) = 1, o(a,p) = o(p,a) =
    // 1,
    // o(p,p) = 3; n_a = 2, n_p = 4, n = 6: D_o = 2/6, D_e = 2*2*4/(6*5) = 8/15, alpha = 1 - 15/24
    assertThat(alpha.get("attributes[blue]")).isCloseTo(0.375, within(1e-9));
    // striped: m1 present, absent, absent; m2 absent x3. o(a,a) = 4, o(a,p) = o(p,a) = 1;
    // n_a = 5, n_p = 1: D_o = 2/6, D_e = 2*5*1/30 = 1/3, alpha = 0, though 5 of 6 pairs agree: a
    // rare label's one present answer is as likely as chance
    assertThat(alpha.get("attributes[striped]")).isCloseTo(0.0, within(1e-9));

    Map<String, Double> items = new TreeMap<>();
    lh.read(Tables.ITEM_AGREEMENT)
        .collectAsList()
        .forEach(
            r ->
                items.put(
                    r.getAs("item_id") + "/" + r.getAs("step"), r.getAs("percent_agreement")));
    // m1 on blue: of the three pairs only (absent, absent) agrees
    assertThat(items.get("m1/attributes[blue]")).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(items.get("m1/attributes[red]")).isCloseTo(1.0, within(1e-9));
    assertThat(items.get("m2/attributes[blue]")).isCloseTo(1.0, within(1e-9));

    // consensus per label (label_presence): m1 red present, blue and striped absent; m2 blue only.
    // w1 answered striped present on m1: 1 of 2 items agree on striped, 2 of 2 on red.
    Map<String, Row> workers = new TreeMap<>();
    lh.read(Tables.WORKER_AGREEMENT)
        .collectAsList()
        .forEach(r -> workers.put(r.getAs("worker_id") + "/" + r.getAs("step"), r));
    Row w1Striped = workers.get("w1/attributes[striped]");
    assertThat(w1Striped.<Long>getAs("n_consensus_items")).isEqualTo(2L);
    assertThat(w1Striped.<Double>getAs("agreement_with_consensus")).isCloseTo(0.5, within(1e-9));
    assertThat(workers.get("w1/attributes[red]").<Double>getAs("agreement_with_consensus"))
        .isCloseTo(1.0, within(1e-9));
    assertThat(workers.get("w2/attributes[striped]").<Double>getAs("agreement_with_consensus"))
        .isCloseTo(1.0, within(1e-9));
  }
}
