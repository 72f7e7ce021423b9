package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * One project and step's answers, indexed once and cached: item blocks (items hashed to partitions,
 * so an item's answers never split), and the id dictionaries.
 *
 * @param projectId the project
 * @param step the decomposition step
 * @param workers worker ids, sorted (the dense index is the position)
 * @param labels label ids, sorted
 * @param blocks this task's blocks: a narrow view of the cached blocks all tasks share
 */
public record IndexedTask(
    String projectId,
    String step,
    List<String> workers,
    List<String> labels,
    JavaRDD<ItemBlock> blocks) {}
