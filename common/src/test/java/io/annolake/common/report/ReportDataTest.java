package io.annolake.common.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.report.ReportPages.Section;
import io.annolake.common.report.ReportPages.Table;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The report's queries run once over every project: each project's page shows its own rows, and
 * more projects do not mean more Spark queries.
 */
class ReportDataTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void eachProjectSeesItsOwnRows() {
    ReportData data = data(List.of("p1", "p2"));
    // p1: 2 items ACCEPTED, 1 ESCALATED; p2: 4 ACCEPTED, 2 ESCALATED (twice p1's, see tables())
    assertThat(data.headline("p1")).containsExactly("-", "2", "1", "-");
    assertThat(data.headline("p2")).containsExactly("-", "4", "2", "-");
    assertThat(data.headline("absent")).containsExactly("-", "0", "0", "-");
    Table decisions = table(data, "p2", "status", "Items by decision");
    assertThat(decisions.rows())
        .containsExactly(
            List.of("label", "ACCEPTED", "4", "majority"),
            List.of("label", "ESCALATED", "2", "escalated"));
    Table reasons = table(data, "p1", "escalations", "Open escalations by reason");
    assertThat(reasons.rows()).containsExactly(List.of("label", "LOW_MARGIN", "1", "0.500"));
    // the capped list keeps each project's own order: lowest upper bound first
    Table workers =
        table(data, "p2", "gold", "Workers by gold accuracy (lowest upper bound first)");
    int worker = workers.headers().indexOf(Columns.WORKER_ID);
    assertThat(workers.rows()).extracting(r -> r.get(worker)).containsExactly("p2-w1", "p2-w0");
    assertThat(table(data, "absent", "gold", "Workers by gold").rows()).isEmpty();
  }

  @Test
  void moreProjectsRunNoMoreSparkQueries() throws Exception {
    int one = queriesOfTheWholeReport(List.of("p1"));
    int five = queriesOfTheWholeReport(List.of("p1", "p2", "p3", "p4", "p5"));
    assertThat(one).isPositive();
    assertThat(five).isEqualTo(one);
  }

  /**
   * Spark SQL queries run while the headline and the sections of every project are built (a query
   * runs one or more jobs, as many for any number of projects of the same size).
   */
  private int queriesOfTheWholeReport(List<String> projects) throws Exception {
    ReportData data = data(projects);
    AtomicInteger queries = new AtomicInteger();
    SparkListener counter =
        new SparkListener() {
          @Override
          public void onOtherEvent(SparkListenerEvent event) {
            if (event instanceof SparkListenerSQLExecutionStart) {
              queries.incrementAndGet();
            }
          }
        };
    spark.sparkContext().addSparkListener(counter);
    try {
      for (String p : data.projects()) {
        data.headline(p);
        data.sections(p);
      }
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
    return queries.get();
  }

  private static Table table(ReportData data, String project, String section, String caption) {
    Section s =
        data.sections(project).stream().filter(x -> x.id().equals(section)).findFirst().get();
    return s.tables().stream().filter(t -> t.caption().startsWith(caption)).findFirst().get();
  }

  /**
   * Consensus labels, escalations and worker quality of the projects, the k-th project (from 1)
   * with k times the first one's rows.
   */
  private ReportData data(List<String> projects) {
    List<Row> labels = new ArrayList<>();
    List<Row> escalations = new ArrayList<>();
    List<Row> quality = new ArrayList<>();
    for (int k = 1; k <= projects.size(); k++) {
      String p = projects.get(k - 1);
      for (int i = 0; i < 3 * k; i++) {
        String decision = i % 3 == 2 ? "ESCALATED" : "ACCEPTED";
        labels.add(RowFactory.create(p, "label", p + "-i" + i, decision));
        if (decision.equals("ESCALATED")) {
          escalations.add(RowFactory.create(p, "label", p + "-i" + i, "LOW_MARGIN", 0.5));
        }
      }
      for (int w = 0; w < k; w++) {
        double high = 0.9 - 0.1 * w;
        quality.add(
            RowFactory.create(
                p, "label", p + "-w" + w, "human", 10L, high - 0.2, high - 0.1, high, 0.7));
      }
    }
    StructType labelSchema =
        new StructType()
            .add(Columns.PROJECT_ID, DataTypes.StringType)
            .add(Columns.STEP, DataTypes.StringType)
            .add(Columns.ITEM_ID, DataTypes.StringType)
            .add(Columns.DECISION, DataTypes.StringType);
    StructType escalationSchema =
        new StructType()
            .add(Columns.PROJECT_ID, DataTypes.StringType)
            .add(Columns.STEP, DataTypes.StringType)
            .add(Columns.ITEM_ID, DataTypes.StringType)
            .add(Columns.REASON, DataTypes.StringType)
            .add(Columns.PRIORITY, DataTypes.DoubleType);
    StructType qualitySchema =
        new StructType()
            .add(Columns.PROJECT_ID, DataTypes.StringType)
            .add(Columns.STEP, DataTypes.StringType)
            .add(Columns.WORKER_ID, DataTypes.StringType)
            .add(Columns.WORKER_TYPE, DataTypes.StringType)
            .add(Columns.GOLD_ANSWERS, DataTypes.LongType)
            .add(Columns.CI_LOW, DataTypes.DoubleType)
            .add(Columns.ACCURACY, DataTypes.DoubleType)
            .add(Columns.CI_HIGH, DataTypes.DoubleType)
            .add(Columns.THRESHOLD, DataTypes.DoubleType);
    Map<String, Dataset<Row>> tables =
        Map.of(
            Tables.CONSENSUS_LABELS, spark.createDataFrame(labels, labelSchema),
            Tables.ESCALATIONS, spark.createDataFrame(escalations, escalationSchema),
            Tables.WORKER_QUALITY, spark.createDataFrame(quality, qualitySchema));
    return new ReportData(tables::get, LocalDate.of(2026, 1, 20), 28, 100);
  }
}
