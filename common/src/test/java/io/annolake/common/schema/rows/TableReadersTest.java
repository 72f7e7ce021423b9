package io.annolake.common.schema.rows;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.TableContract;
import io.annolake.common.testing.SparkTestSession;
import java.lang.reflect.RecordComponent;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Every typed reader against its table's contract: a row built from the contract's schema (every
 * value set, strings holding their column's name) reads into the record with every component set,
 * so a reader cannot name a column its table lacks or expect another Java type.
 */
class TableReadersTest {
  private static final List<TableReader<?>> READERS =
      List.of(
          PipelineRunRow.READER,
          IngestedFileRow.READER,
          GuidelineRow.READER,
          LabelSchemaRow.READER,
          WorkerQualityRow.READER,
          AgreementSummaryRow.READER);

  private static final Timestamp AT = Timestamp.from(Instant.parse("2026-01-19T10:00:00Z"));
  private static final Date DAY = Date.valueOf("2026-01-19");

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void everyReaderNamesColumnsOfItsTable() {
    for (TableReader<?> reader : READERS) {
      assertThat(TableContract.columnNames(reader.table()))
          .as(reader.table())
          .containsAll(reader.columns());
    }
  }

  @Test
  void everyReaderReadsARowOfItsTablesContractIntoEveryComponent() throws Exception {
    for (TableReader<?> reader : READERS) {
      List<?> records = reader.collect(contractRow(reader.table()));
      assertThat(records).as(reader.table()).hasSize(1);
      Object record = records.get(0);
      for (RecordComponent c : record.getClass().getRecordComponents()) {
        assertThat(c.getAccessor().invoke(record))
            .as(reader.table() + "." + c.getName())
            .isNotNull();
      }
    }
  }

  @Test
  void theReadValuesAreTheRowsValuesWithJavaTypes() {
    PipelineRunRow run = PipelineRunRow.READER.collect(contractRow("pipeline_runs")).get(0);
    assertThat(run.job()).isEqualTo(Columns.JOB);
    assertThat(run.runId()).isEqualTo(Columns.RUN_ID);
    assertThat(run.logicalDate()).isEqualTo(LocalDate.of(2026, 1, 19));
    assertThat(run.endedAt()).isEqualTo(AT.toInstant());
    assertThat(run.outputs()).containsExactly(new PipelineRunRow.Output("table_name", 1L, true));

    LabelSchemaRow schema = LabelSchemaRow.READER.collect(contractRow("label_schemas")).get(0);
    assertThat(schema.labels()).containsExactly(Columns.LABELS);
    assertThat(schema.minAnnotators()).isEqualTo(1);
    assertThat(schema.acceptThreshold()).isEqualTo(0.5);
  }

  @Test
  void aColumnAnOlderTableLacksReadsAsNullAndEmptyArraysAsEmpty() {
    Dataset<Row> old = contractRow("label_schemas").drop(Columns.DECISION_POLICY);
    assertThat(LabelSchemaRow.READER.collect(old).get(0).decisionPolicy()).isNull();

    Dataset<Row> log = contractRow("ingested_files").drop(Columns.STATUS, Columns.REASON_CODE);
    IngestedFileRow file = IngestedFileRow.READER.collect(log).get(0);
    assertThat(file.status()).isNull();
    assertThat(file.reasonCode()).isNull();
    assertThat(file.fileKey()).isEqualTo(Columns.FILE_KEY);

    Dataset<Row> noChanges =
        contractRow("guidelines").drop(Columns.LABELS_REMOVED, Columns.LABELS_REDEFINED);
    GuidelineRow guideline = GuidelineRow.READER.collect(noChanges).get(0);
    assertThat(guideline.labelsRemoved()).isEmpty();
    assertThat(guideline.labelsRedefined()).isEmpty();
  }

  /** One row of the table's contract schema, every value set. */
  private Dataset<Row> contractRow(String table) {
    StructType schema = StructType.fromDDL(String.join(", ", TableContract.columns().get(table)));
    return spark.createDataFrame(List.of(sample(schema)), schema);
  }

  private static Row sample(StructType struct) {
    List<Object> values = new ArrayList<>();
    for (StructField f : struct.fields()) {
      values.add(sample(f.name(), f.dataType()));
    }
    return RowFactory.create(values.toArray());
  }

  private static Object sample(String name, DataType type) {
    if (type instanceof StructType s) {
      return sample(s);
    }
    if (type instanceof ArrayType a) {
      return List.of(sample(name, a.elementType()));
    }
    if (type instanceof MapType m) {
      return Map.of(sample("key", m.keyType()), sample("value", m.valueType()));
    }
    if (type.equals(DataTypes.StringType)) {
      return name;
    }
    if (type.equals(DataTypes.LongType)) {
      return 1L;
    }
    if (type.equals(DataTypes.IntegerType)) {
      return 1;
    }
    if (type.equals(DataTypes.DoubleType)) {
      return 0.5;
    }
    if (type.equals(DataTypes.BooleanType)) {
      return true;
    }
    if (type.equals(DataTypes.DateType)) {
      return DAY;
    }
    if (type.equals(DataTypes.TimestampType)) {
      return AT;
    }
    throw new IllegalArgumentException("no sample value for " + type);
  }
}
