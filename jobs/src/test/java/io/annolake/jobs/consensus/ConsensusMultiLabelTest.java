package io.annolake.jobs.consensus;

import static io.annolake.jobs.CliRun.ok;
import static org.assertj.core.api.Assertions.assertThat;

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
 * A multi-label step from landing files to consensus and worker quality: label sets land (a native
 * JSON array or a string holding one; a label the schema does not allow is UNKNOWN_LABEL),
 * consensus decides each label under the votes policy and writes the set and label_presence,
 * worker-quality judges gold answers per label task.
 */
class ConsensusMultiLabelTest {
  @TempDir Path dir;

  private static List<String> strings(Lakehouse lh, String table, String where, String column) {
    return lh.read(table)
        .where(where)
        .select(column)
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }

  @Test
  void labelSetsAreDecidedPerLabel() throws Exception {
    Path schemas = Files.createDirectories(dir.resolve("landing/schemas"));
    Files.writeString(
        schemas.resolve("schemas.jsonl"),
        "{\"project_id\":\"p\",\"step\":\"attributes\",\"guideline_version\":\"v1\","
            + "\"label_type\":\"multi_label\",\"labels\":[\"red\",\"blue\",\"striped\"],"
            + "\"min_annotators\":3,\"accept_threshold\":0.8,\"decision_policy\":\"votes\"}\n");
    String[][] answers = {
      // w3's set lands unsorted, spaced and with a repeat: silver holds it as ["blue","red"]
      {"m1", "[\"red\",\"striped\"]", "[\"red\"]", "[\"red\", \"blue\", \"red\"]"},
      {"m2", "[\"blue\"]", "[\"blue\"]", "[\"blue\"]"},
    };
    List<String> lines = new ArrayList<>();
    for (String[] a : answers) {
      for (int k = 1; k < a.length; k++) {
        // the first answer as a native array, the others as strings holding one
        String label = k == 1 ? a[k] : "\"" + a[k].replace("\"", "\\\"") + "\"";
        lines.add(
            String.format(
                "{\"annotation_id\":\"%s-w%d\",\"project_id\":\"p\",\"item_id\":\"%s\","
                    + "\"step\":\"attributes\",\"worker_id\":\"w%d\",\"label\":%s,"
                    + "\"guideline_version\":\"v1\",\"submitted_at\":\"2026-01-05T10:00:00Z\"}",
                a[0], k, a[0], k, label));
      }
    }
    lines.add(
        "{\"annotation_id\":\"m2-w9\",\"project_id\":\"p\",\"item_id\":\"m2\",\"step\":\"attributes\","
            + "\"worker_id\":\"w9\",\"label\":[\"green\"],\"submitted_at\":\"2026-01-05T10:00:00Z\"}");
    Path annotations = Files.createDirectories(dir.resolve("landing/annotations"));
    Files.write(annotations.resolve("answers.jsonl"), lines);
    String root = dir.resolve("lh").toString();
    ok("ingest", "--lakehouse", root, "--source", schemas.toString(), "--kind", "schema");
    ok("ingest", "--lakehouse", root, "--source", annotations.toString());
    ok("consensus", "--lakehouse", root, "--method", "mv");

    Lakehouse lh = new Lakehouse(SparkTestSession.get(), root, "annolake");
    assertThat(strings(lh, Tables.REJECTED_RECORDS, "reason_code = 'UNKNOWN_LABEL'", "record_key"))
        .containsExactly("p|m2-w9");
    assertThat(strings(lh, Tables.ANNOTATIONS, "annotation_id = 'm1-w3'", "label"))
        .containsExactly("[\"blue\",\"red\"]");
    Map<String, Row> labels = new TreeMap<>();
    lh.read(Tables.CONSENSUS_LABELS)
        .collectAsList()
        .forEach(r -> labels.put(r.getAs("item_id") + "/" + r.getAs("step"), r));
    assertThat(labels).containsOnlyKeys("m1/attributes", "m2/attributes");
    assertThat(labels.get("m1/attributes").<String>getAs("label")).isEqualTo("[\"red\"]");
    assertThat(labels.get("m1/attributes").<String>getAs("decision")).isEqualTo("MAJORITY");
    assertThat(labels.get("m2/attributes").<String>getAs("label")).isEqualTo("[\"blue\"]");
    assertThat(labels.get("m2/attributes").<String>getAs("decision")).isEqualTo("AUTO_APPROVED");
    Map<String, Boolean> presence = new TreeMap<>();
    lh.read(Tables.LABEL_PRESENCE)
        .collectAsList()
        .forEach(
            r -> presence.put(r.getAs("item_id") + "/" + r.getAs("label"), r.getAs("present")));
    assertThat(presence)
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "m1/blue", false,
                    "m1/red", true,
                    "m1/striped", false,
                    "m2/blue", true,
                    "m2/red", false,
                    "m2/striped", false)));
    assertThat(lh.read(Tables.ESCALATIONS).count()).isZero();

    // Gold for m1 lists red and striped in another order than w1's answer: per label, w1 is right
    // on all three labels, w2 (["red"]) on red and blue, w3 (["blue","red"]) on red only; as one
    // category only an identical string would count.
    Path gold = Files.createDirectories(dir.resolve("landing/gold"));
    Files.writeString(
        gold.resolve("gold.jsonl"),
        "{\"project_id\":\"p\",\"step\":\"attributes\",\"item_id\":\"m1\","
            + "\"label\":\"[\\\"striped\\\",\\\"red\\\"]\",\"guideline_version\":\"v1\"}\n");
    ok("ingest", "--lakehouse", root, "--source", gold.toString(), "--kind", "gold");
    ok("worker-quality", "--lakehouse", root, "--logical-date", "2026-01-05");
    Map<String, String> judged = new TreeMap<>();
    lh.read(Tables.WORKER_QUALITY)
        .where("gold_answers > 0")
        .collectAsList()
        .forEach(
            r ->
                judged.put(
                    r.getAs("worker_id") + " " + r.getAs("step"),
                    r.getAs("gold_correct") + "/" + r.getAs("gold_answers")));
    assertThat(judged)
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "w1 attributes[blue]", "1/1",
                    "w1 attributes[red]", "1/1",
                    "w1 attributes[striped]", "1/1",
                    "w2 attributes[blue]", "1/1",
                    "w2 attributes[red]", "1/1",
                    "w2 attributes[striped]", "0/1",
                    "w3 attributes[blue]", "0/1",
                    "w3 attributes[red]", "1/1",
                    "w3 attributes[striped]", "0/1")));
  }
}
