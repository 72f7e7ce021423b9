package io.annolake.common.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * CSV that opens right in a spreadsheet: RFC 4180 writer options for Spark, and string cells that a
 * spreadsheet would run as a formula (starting with {@code =}, {@code +}, {@code -}, {@code @}, a
 * tab or a carriage return; OWASP's "CSV injection") prefixed with a single quote.
 *
 * <p>Only string cells are touched: numeric columns (a negative cost) are written as numbers, and a
 * string that is a plain number ({@code -1}, {@code +2.5e3}: an ordinal label) is left as it is,
 * since a spreadsheet reads it as that number and runs nothing.
 */
public final class CsvCells {
  /** Whether formula-like string cells are neutralised. */
  public enum Formulas {
    /** Prefix them with a single quote (the default). */
    NEUTRALISE,
    /** Write them as they are ({@code --keep-formulas}). */
    KEEP
  }

  /** First characters a spreadsheet treats as the start of a formula. */
  static final String FORMULA_START = "^[=+\\-@\\t\\r]";

  /** A plain decimal number, which a spreadsheet reads as a number. */
  static final String PLAIN_NUMBER = "^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$";

  /**
   * Spark CSV writer options for RFC 4180: fields quoted with '"' when they hold a comma, quote or
   * line break, a quote inside a field doubled (Spark's default escape is a backslash, which
   * Python's csv module and pandas read as shifted columns), whitespace kept as it is.
   */
  public static final Map<String, String> RFC_4180 =
      Map.of(
          "header", "true",
          "quote", "\"",
          "escape", "\"",
          "escapeQuotes", "true",
          "ignoreLeadingWhiteSpace", "false",
          "ignoreTrailingWhiteSpace", "false",
          "timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private CsvCells() {}

  /** One string cell, neutralised. */
  public static Column neutralise(Column cell) {
    return when(
            cell.rlike(FORMULA_START).and(not(cell.rlike(PLAIN_NUMBER))), concat(lit("'"), cell))
        .otherwise(cell);
  }

  /**
   * The rows with every string column's formula-like cells neutralised (other columns unchanged).
   */
  public static Dataset<Row> neutralise(Dataset<Row> rows) {
    List<Column> out = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      Column c = col("`" + f.name() + "`");
      out.add(f.dataType() instanceof StringType ? neutralise(c).as(f.name()) : c);
    }
    return rows.select(out.toArray(Column[]::new));
  }
}
