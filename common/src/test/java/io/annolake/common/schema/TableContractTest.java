package io.annolake.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The contract file against the table names and the schemas the writers build rows from. */
class TableContractTest {
  private static final String AS_OF_DATE = "as_of_date date";
  private static final String RUN_ID = "run_id string";

  @Test
  void everyTableIsInTheContractAndNothingElse() {
    List<String> tables = new ArrayList<>(Tables.ALL);
    tables.add(Tables.ERASURES);
    assertThat(TableContract.columns().keySet()).containsExactlyInAnyOrderElementsOf(tables);
    TableContract.columns()
        .forEach((table, columns) -> assertThat(columns).as(table).isNotEmpty().contains(RUN_ID));
  }

  @Test
  void theWritersSchemasAreTheContractsColumnsBeforeTheWritersOwn() {
    assertContract(Tables.PIPELINE_RUNS, LogSchemas.PIPELINE_RUNS, RUN_ID);
    assertContract(Tables.CONSENSUS_LABELS, ConsensusSchemas.CONSENSUS_LABELS, AS_OF_DATE, RUN_ID);
    assertContract(Tables.ESCALATIONS, ConsensusSchemas.ESCALATIONS, AS_OF_DATE, RUN_ID);
    assertContract(Tables.RELABEL_QUEUE, ConsensusSchemas.RELABEL_QUEUE, AS_OF_DATE, RUN_ID);
    assertContract(Tables.WORKER_SKILLS, ConsensusSchemas.WORKER_SKILLS, AS_OF_DATE, RUN_ID);
    assertContract(Tables.AGREEMENT_SUMMARY, AgreementSchemas.SUMMARY, AS_OF_DATE, RUN_ID);
    assertContract(Tables.ITEM_AGREEMENT, AgreementSchemas.ITEM_AGREEMENT, AS_OF_DATE, RUN_ID);
    assertContract(
        Tables.WORKER_PAIR_AGREEMENT, AgreementSchemas.WORKER_PAIR_AGREEMENT, AS_OF_DATE, RUN_ID);
    assertContract(Tables.WORKER_AGREEMENT, AgreementSchemas.WORKER_AGREEMENT, AS_OF_DATE, RUN_ID);
    assertContract(Tables.EDGE_CASES, EdgeCaseSchemas.EDGE_CASES, AS_OF_DATE, RUN_ID);
    assertContract(Tables.WORKER_DAILY_METRICS, AnomalySchemas.DAILY, AS_OF_DATE, RUN_ID);
    assertContract(Tables.INGESTED_FILES, LogSchemas.INGESTED_FILES, "batch_id string", RUN_ID);
    assertContract(Tables.TRAINING_SNAPSHOTS, LogSchemas.TRAINING_SNAPSHOTS, RUN_ID);
    assertContract(Tables.ERASURES, LogSchemas.ERASURES, RUN_ID);
  }

  @Test
  void statisticsAreDeclaredOnColumnsTheirTablesHave() {
    Tables.STATS_COLUMNS.forEach(
        (table, stats) ->
            assertThat(TableContract.columnNames(table)).as(table).containsAll(stats));
  }

  @Test
  void everyColumnNameConstantIsAContractOrLandingColumn() throws IllegalAccessException {
    Set<String> known = new HashSet<>();
    TableContract.columns().keySet().forEach(t -> known.addAll(TableContract.columnNames(t)));
    for (RecordKind kind : RecordKind.values()) {
      known.addAll(List.of(Columns.landingSchema(kind).fieldNames()));
    }
    int constants = 0;
    for (Field f : Columns.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        assertThat(known).as("Columns." + f.getName()).contains((String) f.get(null));
        constants++;
      }
    }
    assertThat(constants).isGreaterThan(100);
  }

  private static void assertContract(String table, StructType schema, String... writersOwn) {
    List<String> expected = new ArrayList<>(TableContract.columnsOf(schema));
    expected.addAll(List.of(writersOwn));
    assertThat(TableContract.columns().get(table)).as(table).isEqualTo(expected);
  }
}
