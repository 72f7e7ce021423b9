package io.annolake.common.io;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import io.annolake.common.schema.Columns;
import java.util.Arrays;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An order-independent digest of a table's content (a sum of row hashes), leaving out the
 * provenance a rerun changes (run id, as-of date): two runs that computed the same rows have the
 * same digest, in one aggregation pass.
 */
public final class Digest {
  private static final Set<String> PROVENANCE = Set.of(Columns.RUN_ID, Columns.AS_OF_DATE);

  /** The digest and the row count. */
  public record Result(long value, long rows) {}

  private Digest() {}

  public static Result of(Dataset<Row> rows) {
    Column[] content =
        Arrays.stream(rows.columns())
            .filter(c -> !PROVENANCE.contains(c))
            .sorted()
            .map(c -> rows.col("`" + c + "`"))
            .toArray(Column[]::new);
    Row r = rows.agg(coalesce(sum(xxhash64(content)), lit(0L)), count(lit(1))).head();
    return new Result(r.getLong(0), r.getLong(1));
  }
}
