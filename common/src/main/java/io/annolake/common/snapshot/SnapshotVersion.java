package io.annolake.common.snapshot;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.annolake.common.config.ConfigException;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/** The consensus_labels version a training snapshot reads (--as-of-version, --as-of-timestamp). */
public final class SnapshotVersion {
  private SnapshotVersion() {}

  /**
   * The version to read: the given one (it must exist and its files must still be there: VACUUM
   * removes the files of old versions), the last one committed at or before the given instant, or
   * the latest.
   */
  public static long resolve(Lakehouse lakehouse, SnapshotFilters f) {
    String table = Tables.CONSENSUS_LABELS;
    long latest = lakehouse.version(table);
    if (f.asOfTimestamp() != null) {
      Row bounds =
          DeltaTable.forPath(lakehouse.spark(), lakehouse.path(table))
              .history()
              .agg(
                  min("timestamp").as("first"),
                  max(org.apache.spark.sql.functions.when(
                          col("timestamp").leq(lit(Timestamp.from(f.asOfTimestamp()))),
                          col("version")))
                      .as("version"))
              .head();
      Long version = bounds.getAs("version");
      String option = "Invalid value '" + f.asOfTimestamp() + "' for option '--as-of-timestamp': ";
      if (version == null) {
        throw new ConfigException(
            option
                + "before the first commit of "
                + table
                + " still in its history ("
                + bounds.<Timestamp>getAs("first").toInstant()
                + ")");
      }
      if (f.asOfTimestamp().isAfter(Instant.now())) {
        // a commit made before that instant arrives would change what it reads
        throw new ConfigException(
            option + "in the future (a later take could read a later version)");
      }
      return checkReadable(lakehouse, version, "--as-of-timestamp");
    }
    if (f.asOfVersion() == null) {
      return latest;
    }
    if (f.asOfVersion() > latest) {
      throw new ConfigException(
          "Invalid value '"
              + f.asOfVersion()
              + "' for option '--as-of-version': "
              + table
              + " has versions up to "
              + latest);
    }
    return checkReadable(lakehouse, f.asOfVersion(), "--as-of-version");
  }

  /** The version if Delta can still reconstruct it and every data file it names is present. */
  private static long checkReadable(Lakehouse lakehouse, long version, String option) {
    String table = Tables.CONSENSUS_LABELS;
    String invalid =
        "Invalid value '"
            + version
            + "' for option '"
            + option
            + "': "
            + table
            + " version "
            + version;
    String[] files;
    try {
      files = lakehouse.read(table, version).inputFiles();
    } catch (RuntimeException e) {
      throw new ConfigException(
          invalid + " is no longer in the table's log (" + e.getMessage() + ")", e);
    }
    try {
      for (String file : files) {
        Path p = new Path(file);
        if (!p.getFileSystem(lakehouse.spark().sparkContext().hadoopConfiguration()).exists(p)) {
          throw new ConfigException(
              invalid + " has been vacuumed: its data file " + p.getName() + " is gone");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot check the files of " + table + " version " + version, e);
    }
    return version;
  }
}
