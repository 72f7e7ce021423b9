package io.annolake.jobs.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.io.LandingWriter;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.LogSchemas;
import io.annolake.common.schema.Tables;
import io.annolake.common.snapshot.SnapshotFiles;
import io.annolake.common.snapshot.SnapshotFilters;
import io.annolake.common.snapshot.SnapshotVersion;
import io.annolake.common.snapshot.TrainingSnapshot;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake snapshot}: a frozen training set of one project's final labels, pinned to a
 * version of {@code consensus_labels}, with a manifest and a content hash, registered in {@code
 * training_snapshots} so a model card can cite it.
 */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the final labels of a project (decision, confidence, posteriors, answers, guideline version) from",
      "consensus_labels at a pinned version to OUT/labels.<format>, with OUT/manifest.json (tables and versions",
      "read, consensus run ids, code version, config hash, filters, rows, label distribution, content hash),",
      "and registers it in training_snapshots. The same options and as-of give the same rows and hash."
    })
public final class SnapshotJob implements Callable<Integer> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      required = true,
      paramLabel = "ID",
      description = "The project whose final labels to take.")
  String project;

  @Option(
      names = "--step",
      paramLabel = "NAME",
      description = "Only this step (default: every step).")
  String step;

  @Option(
      names = "--min-confidence",
      paramLabel = "X",
      description = "Only labels with confidence >= X (0..1).")
  Double minConfidence;

  @Option(
      names = "--decisions",
      paramLabel = "D1,D2",
      description =
          "Decisions to take (default: GOLD, ADJUDICATED, AUTO_APPROVED, ACCEPTED, and MAJORITY where it exists).")
  String decisions;

  @Option(
      names = "--as-of-version",
      paramLabel = "V",
      description = "Version of consensus_labels to read (default: latest).")
  Long asOfVersion;

  @Option(
      names = "--as-of-timestamp",
      paramLabel = "T",
      description =
          "Read consensus_labels as of this instant (ISO-8601, UTC if no zone): the last version committed at or before it.")
  String asOfTimestamp;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Folder to write labels.<format> and manifest.json to.")
  String out;

  @Option(
      names = "--format",
      defaultValue = "parquet",
      description = "parquet, arrow, csv or jsonl (default: ${DEFAULT-VALUE}).")
  String format;

  /** What one snapshot holds. */
  public record Result(
      String snapshotId,
      String project,
      long rows,
      long sourceVersion,
      String contentHash,
      String path) {
    @Override
    public String toString() {
      return String.format(
          "snapshot %s: %,d final labels of project %s from %s version %d%n  content hash: %s%n  written to: %s",
          snapshotId, rows, project, Tables.CONSENSUS_LABELS, sourceVersion, contentHash, path);
    }
  }

  @Override
  public Integer call() throws Exception {
    LandingFormat f = LandingFormat.parse(format);
    SnapshotFilters filters =
        new SnapshotFilters(
            project,
            step,
            minConfidence,
            SnapshotFilters.parseDecisions(decisions),
            asOfVersion,
            SnapshotFilters.parseTimestamp(asOfTimestamp));
    Map<String, String> params =
        JobShell.params(
            "project", project,
            "out", out,
            "format", f.cliName(),
            "step", step,
            "min_confidence", minConfidence,
            "decisions", String.join(",", filters.decisions()),
            "as_of_version", asOfVersion,
            "as_of_timestamp", asOfTimestamp == null ? null : filters.asOfTimestamp());
    Result result =
        JobShell.run(
            global,
            "snapshot",
            params,
            Map.of(),
            (run, progress, config) -> snapshot(run, filters, f, out));
    System.out.println(result);
    return 0;
  }

  /**
   * The job: checks first (table, version, project, step, a non-empty selection), then the files
   * and the registry row.
   */
  public static Result snapshot(
      LakehouseRun run, SnapshotFilters f, LandingFormat format, String out) throws IOException {
    Lakehouse lakehouse = run.lakehouse();
    String table = Tables.CONSENSUS_LABELS;
    if (!lakehouse.exists(table)) {
      throw new ConfigException(
          "Invalid value '"
              + f.project()
              + "' for option '--project': no "
              + table
              + " table under "
              + lakehouse.root()
              + " (run consensus first)");
    }
    long version = SnapshotVersion.resolve(lakehouse, f);
    Dataset<Row> labels = run.readAt(table, version);
    String at = " in " + table + " version " + version;
    if (labels.where(Predicates.project(f.project())).isEmpty()) {
      throw new ConfigException(
          "Invalid value '" + f.project() + "' for option '--project': no such project" + at);
    }
    if (f.step() != null
        && labels
            .where(Predicates.project(f.project()).and(Predicates.equalTo("step", f.step())))
            .isEmpty()) {
      throw new ConfigException(
          "Invalid value '"
              + f.step()
              + "' for option '--step': project "
              + f.project()
              + " has no such step"
              + at);
    }
    Dataset<Row> selected = TrainingSnapshot.select(labels, f).cache();
    try {
      long rows = selected.count();
      if (rows == 0) {
        throw new ConfigException(
            "Empty selection: no final labels of project "
                + f.project()
                + at
                + " match --decisions "
                + String.join(",", f.decisions())
                + (f.minConfidence() == null ? "" : " --min-confidence " + f.minConfidence())
                + (f.step() == null ? "" : " --step " + f.step()));
      }
      String hash = TrainingSnapshot.contentHash(selected);
      String dataFile = "labels" + format.extension();
      Path dir = new Path(out);
      FileSystem fs = dir.getFileSystem(run.spark().sparkContext().hadoopConfiguration());
      String path = fs.makeQualified(dir).toString();
      SnapshotFiles.writeData(selected, format, path, dataFile, fs);
      String fileHash = SnapshotFiles.sha256(fs, new Path(dir, dataFile));

      Instant created = run.context().startedAt();
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("snapshot_id", run.context().runId());
      manifest.put("created_at", created.toString());
      manifest.put("project_id", f.project());
      ObjectNode filters = manifest.putObject("filters");
      filters.put("project", f.project());
      filters.put("step", f.step());
      filters.put("min_confidence", f.minConfidence());
      f.decisions().forEach(filters.putArray("decisions")::add);
      filters.put("as_of_version", f.asOfVersion());
      filters.put(
          "as_of_timestamp", f.asOfTimestamp() == null ? null : f.asOfTimestamp().toString());
      ObjectNode read = manifest.putObject("tables_read").putObject(table);
      read.put("version", version);
      read.put("path", lakehouse.path(table));
      Dataset<Row> behind = labels.where(TrainingSnapshot.condition(f));
      TrainingSnapshot.distinct(behind, "run_id")
          .forEach(manifest.putArray("consensus_run_ids")::add);
      TrainingSnapshot.distinct(selected, "method").forEach(manifest.putArray("methods")::add);
      TrainingSnapshot.distinct(selected, "guideline_version")
          .forEach(manifest.putArray("guideline_versions")::add);
      manifest.put("code_version", run.context().codeVersion());
      manifest.put("config_hash", run.context().configHash());
      manifest.put("row_count", rows);
      manifest.set(
          "label_distribution", JSON.valueToTree(TrainingSnapshot.labelDistribution(selected)));
      TrainingSnapshot.COLUMNS.forEach(manifest.putArray("columns")::add);
      TrainingSnapshot.ORDER.forEach(manifest.putArray("sorted_by")::add);
      manifest.put("format", format == LandingFormat.JSON ? "jsonl" : format.cliName());
      manifest.put("data_file", dataFile);
      manifest.put("data_file_sha256", "sha256:" + fileHash);
      manifest.put("content_hash", hash);
      manifest.put(
          "content_hash_method",
          "SHA-256 of each row's JSON (Spark to_json, columns in order), summed as four 64-bit words, then SHA-256 of "
              + "version, columns, row count and sums: independent of row order, file format and partitioning");
      String manifestJson = JSON.writeValueAsString(manifest);
      LandingWriter.writeSmallFile(
          run.spark().sparkContext().hadoopConfiguration(),
          path + "/manifest.json",
          List.of(manifestJson));

      Row entry =
          RowFactory.create(
              run.context().runId(),
              f.project(),
              hash,
              rows,
              version,
              path,
              manifest.get("format").asText(),
              JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(manifest),
              Timestamp.from(created));
      run.append(
          Tables.TRAINING_SNAPSHOTS,
          run.spark().createDataFrame(List.of(entry), LogSchemas.TRAINING_SNAPSHOTS),
          1);
      return new Result(run.context().runId(), f.project(), rows, version, hash, path);
    } finally {
      selected.unpersist();
    }
  }
}
