package io.annolake.common.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * The table contract: every table's columns in order with their types, as users read them, from one
 * file ({@code tables.txt} beside this class). The schemas the writers build from live in the other
 * classes of this package; this file is what a written table must look like, and the tests check
 * the tables their runs write against it.
 */
public final class TableContract {
  private static final String FILE = "tables.txt";
  private static final Map<String, List<String>> COLUMNS = load();

  private TableContract() {}

  /** Every table's columns as "name type" (Spark's simpleString), in order, by table name. */
  public static Map<String, List<String>> columns() {
    return COLUMNS;
  }

  /** A table's column names, in order (the contract's entries without their types). */
  public static List<String> columnNames(String table) {
    return COLUMNS.get(table).stream().map(c -> c.split(" ")[0]).toList();
  }

  /** A schema's columns as the contract writes them. */
  public static List<String> columnsOf(StructType schema) {
    return Arrays.stream(schema.fields())
        .map(f -> f.name() + " " + f.dataType().simpleString())
        .toList();
  }

  /**
   * How a written table differs from its contract: empty when it matches; otherwise one message
   * naming the table with both column lists (so the contract can be updated on purpose).
   */
  public static List<String> differences(String table, StructType written) {
    List<String> expected = COLUMNS.get(table);
    List<String> actual = columnsOf(written);
    if (actual.equals(expected)) {
      return List.of();
    }
    return List.of(
        table
            + (expected == null ? " is not in the contract" : " differs from the contract")
            + "; written:\n  "
            + String.join("\n  ", actual)
            + (expected == null ? "" : "\ncontract:\n  " + String.join("\n  ", expected)));
  }

  private static Map<String, List<String>> load() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (InputStream in = TableContract.class.getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IllegalStateException(FILE + " is missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<String> current = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("  ")) {
          current.add(line.trim());
        } else {
          current = new ArrayList<>();
          out.put(line.trim(), current);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.replaceAll((table, cols) -> List.copyOf(cols));
    return Collections.unmodifiableMap(out);
  }
}
