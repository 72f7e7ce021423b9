package io.annolake.jobs.trials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** conf/airflow/tasks.json, the daily DAG's task list, read the way annolake_daily.py reads it. */
public record TaskList(List<Task> tasks) {
  /** One task: its id, annolake arguments (with {landing} and {ds}) and upstream task ids. */
  public record Task(String id, List<String> args, List<String> upstream) {
    /** The command line annolake_daily.py's command() builds for this task and DAG run. */
    public List<String> command(String landing, String lakehouse, String ds, String runId) {
      List<String> out = new ArrayList<>();
      args.forEach(a -> out.add(a.replace("{landing}", landing).replace("{ds}", ds)));
      out.addAll(
          List.of("--lakehouse", lakehouse, "--logical-date", ds, "--run-id", runId + ":" + id));
      return out;
    }
  }

  public static TaskList read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    List<Task> tasks = new ArrayList<>();
    for (JsonNode t : root.path("tasks")) {
      List<String> args = new ArrayList<>();
      t.path("args").forEach(a -> args.add(a.asText()));
      List<String> upstream = new ArrayList<>();
      t.path("upstream").forEach(u -> upstream.add(u.asText()));
      tasks.add(new Task(t.path("id").asText(), args, upstream));
    }
    return new TaskList(tasks);
  }

  /**
   * The tasks in an order that runs every task after its upstream ones; fails on a cycle or an
   * unknown id.
   */
  public List<Task> inDependencyOrder() {
    Map<String, Task> byId = new LinkedHashMap<>();
    tasks.forEach(t -> byId.put(t.id(), t));
    List<Task> order = new ArrayList<>();
    while (order.size() < tasks.size()) {
      int before = order.size();
      for (Task t : tasks) {
        if (!order.contains(t)
            && t.upstream().stream()
                .allMatch(
                    u -> {
                      if (!byId.containsKey(u)) {
                        throw new IllegalStateException(
                            "Task " + t.id() + " names an unknown upstream task " + u);
                      }
                      return order.contains(byId.get(u));
                    })) {
          order.add(t);
        }
      }
      if (order.size() == before) {
        throw new IllegalStateException("The task list has a cycle");
      }
    }
    return order;
  }
}
