package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one way user values (project ids, steps, dates) reach a predicate: as Column expressions with
 * literals, never as SQL text built by hand. Where Delta only takes text (replaceWhere), the text
 * is Spark's own rendering of the expression, whose literals Spark escapes and parses back.
 */
public final class Predicates {
  private Predicates() {}

  /** {@code column = value} with the value as a literal. */
  public static Column equalTo(String column, Object value) {
    return col(column).equalTo(lit(value));
  }

  /** The rows of one project; every row when project is null. */
  public static Column project(String project) {
    return project == null ? null : equalTo("project_id", project);
  }

  /** The table's rows of one project; the table itself when project or table is null. */
  public static Dataset<Row> onlyProject(Dataset<Row> table, String project) {
    return table == null || project == null ? table : table.where(project(project));
  }

  /** {@code a AND b}, where either may be null (no condition). */
  public static Column and(Column a, Column b) {
    return a == null ? b : b == null ? a : a.and(b);
  }

  /** Equality of the named columns between a MERGE's target {@code t} and source {@code s}. */
  public static Column sameKeys(String... columns) {
    Column on = null;
    for (String c : columns) {
      on = and(on, col("t." + c).equalTo(col("s." + c)));
    }
    return on;
  }

  /**
   * The predicate as SQL text for options that take only text (Delta's replaceWhere): Spark's
   * rendering of the expression, which quotes identifiers and escapes string literals.
   */
  public static String sql(Column predicate) {
    return predicate.expr().sql();
  }

  /**
   * A string as a SQL literal, rendered (and escaped) by Spark, for statements without parameters
   * (DDL).
   */
  public static String literal(String value) {
    return lit(value).expr().sql();
  }
}
