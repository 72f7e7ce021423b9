package io.annolake.common.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * spark-testing-base's DataFrame comparisons, for JUnit 5: its base classes hook into JUnit 4's
 * lifecycle, which Jupiter ignores, so we use its comparisons by composition only.
 */
public final class DataFrameAssertions {
  private static final JavaDataFrameSuiteBase BASE = new JavaDataFrameSuiteBase();

  private DataFrameAssertions() {}

  /** Same schema and same rows, in any order. */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    BASE.assertDataFrameNoOrderEquals(expected, actual);
  }

  /** Same schema and same rows in the same order. */
  public static void assertEqualsOrdered(Dataset<Row> expected, Dataset<Row> actual) {
    BASE.assertDataFrameEquals(expected, actual, BASE.assertDataFrameEquals$default$3());
  }
}
