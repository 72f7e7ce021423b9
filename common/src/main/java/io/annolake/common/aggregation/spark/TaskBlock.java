package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import java.io.Serializable;

/**
 * One task's items within one partition (a partition may hold several tasks' items): the answers
 * the EM reads, and the per-item facts the decision reads.
 */
public record TaskBlock(int task, ItemBlock block, ItemFacts facts) implements Serializable {}
