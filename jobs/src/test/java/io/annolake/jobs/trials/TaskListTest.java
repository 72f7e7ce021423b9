package io.annolake.jobs.trials;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.jobs.AnnolakeCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The DAG's task list is well formed: known commands, known upstream tasks, no cycle, read by the
 * DAG.
 */
class TaskListTest {
  private final Path root =
      Path.of(System.getProperty("annolake.project.root", ".")).toAbsolutePath();

  @Test
  void everyTaskRunsAKnownCommandAfterItsUpstreamTasks() throws Exception {
    List<TaskList.Task> order =
        TaskList.read(root.resolve("conf/airflow/tasks.json")).inDependencyOrder();
    Set<String> commands = new CommandLine(new AnnolakeCli()).getSubcommands().keySet();
    assertThat(order).extracting(t -> t.args().get(0)).allMatch(commands::contains);
    assertThat(order.stream().map(TaskList.Task::id).collect(Collectors.toList()))
        .containsSubsequence(
            "ingest_schemas", "ingest_annotations", "worker_quality", "consensus", "agreement")
        .containsSubsequence("consensus", "anomalies", "routing", "report", "maintain")
        .containsSubsequence("ingest_flags", "edge_cases", "report");
    // kinds that do not land every day may be missing; a day without annotations fails
    assertThat(order)
        .filteredOn(t -> t.args().get(0).equals("ingest"))
        .allMatch(
            t ->
                t.args().contains("--allow-missing-source")
                    == !t.id().matches("ingest_(schemas|annotations)"),
            "--allow-missing-source on every optional kind");
    assertThat(order.get(0).command("L", "H", "2026-01-05", "scheduled__2026-01-05"))
        .containsSequence(
            "--logical-date", "2026-01-05", "--run-id", "scheduled__2026-01-05:ingest_schemas")
        .contains("L/2026-01-05/schemas");
    assertThat(Files.readString(root.resolve("conf/airflow/annolake_daily.py")))
        .contains("tasks.json", "AirflowFailException");
  }
}
