package io.annolake.common.aggregation.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Builds Spark's internal rows for output written straight from cached blocks: values in Spark's
 * internal forms (UTF8String, ArrayData, nested InternalRow; ints, doubles and booleans boxed).
 */
public final class InternalRows {
  private InternalRows() {}

  /** A row of internal values, in schema order. */
  public static InternalRow of(Object... values) {
    return new GenericInternalRow(values);
  }

  /** A string in Spark's internal form; null stays null. */
  public static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }

  /** Strings in internal form, one by one (to be shared by many rows: UTF8String is immutable). */
  public static UTF8String[] utf8(String[] values) {
    UTF8String[] out = new UTF8String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = utf8(values[i]);
    }
    return out;
  }

  /** An array of strings in Spark's internal form. */
  public static ArrayData strings(String[] values) {
    return new GenericArrayData(utf8(values));
  }

  /** An array of internal values (rows for an array of structs). */
  public static ArrayData array(Object[] values) {
    return new GenericArrayData(values);
  }
}
