package io.annolake.common.agreement;

import java.io.Serializable;

/**
 * One unit after grouping: each worker's latest answer on one item of one unit group, as small
 * integers of an {@link AnswerCodes} (workers ascending, i.e. in worker_id string order).
 *
 * @param group index of the unit group (project, step, guideline version, day)
 * @param itemId the item
 * @param workers worker codes, ascending
 * @param labels the label code of each worker's answer (the group's labels in string order)
 * @param vsConsensus per answer: 1 equal to the item's consensus label, 0 not, -1 no consensus
 *     label
 */
public record ItemAnswers(int group, String itemId, int[] workers, int[] labels, byte[] vsConsensus)
    implements Serializable {}
