package io.annolake.common.schema.rows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A table read as Java records: the columns its record is made of, by name, and how a row becomes
 * the record, written once per table. Code that reads a table's rows in Java (on the driver) goes
 * through the table's reader; column expressions (filters, joins, aggregations) name the {@code
 * Columns} constants directly. {@code TableReadersTest} reads a row of each table's contract with
 * each reader, so a reader cannot drift from its table.
 *
 * <p>A column the rows lack reads as null: tables written before the column was added.
 */
public final class TableReader<T> {
  private final String table;
  private final List<String> columns;
  private final Function<Row, T> record;

  TableReader(String table, List<String> columns, Function<Row, T> record) {
    this.table = table;
    this.columns = List.copyOf(columns);
    this.record = record;
  }

  /** The table the rows come from (its name in {@code Tables}). */
  public String table() {
    return table;
  }

  /** The columns the record is made of, in the table's names. */
  public List<String> columns() {
    return columns;
  }

  /** A row in hand (with the table's column names, e.g. a computation's output) as a record. */
  public T read(Row row) {
    return record.apply(row);
  }

  /**
   * The rows (the table, or a filter of it) as records, collected to the driver: for the small
   * tables and the few rows that driver code reads one by one.
   */
  public List<T> collect(Dataset<Row> rows) {
    return rows.select(select(rows)).collectAsList().stream().map(this::read).toList();
  }

  /** The record's columns of the rows, a column they lack as null. */
  public Column[] select(Dataset<Row> rows) {
    Set<String> present = Set.of(rows.columns());
    return columns.stream()
        .map(c -> present.contains(c) ? col(c) : lit(null).as(c))
        .toArray(Column[]::new);
  }
}
