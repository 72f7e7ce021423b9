package io.annolake.common.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.edgecase.EdgeCases;
import io.annolake.common.report.ReportPages.Section;
import io.annolake.common.report.ReportPages.Table;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The report's edge-case section: open cases first; a missing table is said so. */
class ReportEdgeCasesTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Section edgeCases(ReportData data, String project) {
    return data.sections(project).stream()
        .filter(s -> s.id().equals("edge-cases"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void openCasesComeFirstWithTheirResolutionAndStatus() {
    StructType q =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType)
            .add("question_text", DataTypes.StringType)
            .add("raised_at", DataTypes.TimestampType);
    StructType a =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("expert_id", DataTypes.StringType)
            .add("rationale", DataTypes.StringType)
            .add("decided_at", DataTypes.TimestampType);
    Timestamp t = Timestamp.from(Instant.parse("2026-01-06T10:00:00Z"));
    Dataset<Row> questions =
        spark.createDataFrame(
            List.of(
                RowFactory.create("p1", "s", "a-decided", "w1", "van?", t),
                RowFactory.create("p1", "s", "z-open", "w2", "truck?", t)),
            q);
    Dataset<Row> adjudications =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "p1",
                    "s",
                    "a-decided",
                    "van",
                    "e1",
                    "sliding door",
                    Timestamp.from(Instant.parse("2026-01-07T00:00:00Z")))),
            a);
    Dataset<Row> cases =
        EdgeCases.build(spark, new EdgeCases.Inputs(questions, adjudications, null, null, null));
    ReportData data =
        new ReportData(
            table -> table.equals(Tables.EDGE_CASES) ? cases : null,
            LocalDate.of(2026, 1, 20),
            28,
            100);
    Section section = edgeCases(data, "p1");
    assertThat(section.missing()).isNull();
    Table counts = section.tables().get(0);
    assertThat(counts.headers()).containsExactly("step", "open", "resolved", "folded");
    assertThat(counts.rows()).containsExactly(List.of("s", "1", "1", "0"));
    Table listed = section.tables().get(1);
    int status = listed.headers().indexOf("status");
    assertThat(listed.rows())
        .extracting(r -> r.get(listed.headers().indexOf("item_id")) + ":" + r.get(status))
        .containsExactly("z-open:OPEN", "a-decided:RESOLVED");
    assertThat(listed.rows().get(1).get(listed.headers().indexOf("rationale")))
        .isEqualTo("sliding door");
    assertThat(listed.rows().get(0).get(listed.headers().indexOf("first_question")))
        .isEqualTo("truck?");

    ReportData without = new ReportData(table -> null, LocalDate.of(2026, 1, 20), 28, 100);
    assertThat(edgeCases(without, "p1").missing()).isEqualTo(Tables.EDGE_CASES);
  }
}
