package io.annolake.common.aggregation.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * What the decision needs about the items of one {@link io.annolake.common.aggregation.ItemBlock}
 * besides the answers the EM reads: annotation ids, guideline version, the expert's adjudication,
 * and the ids of answers left out (work of paused workers, answers acting flags cover, with the
 * flags' ids). Kept in the same cached partition as the block, so deciding needs no second shuffle
 * of the annotations.
 *
 * <p>Annotation ids are stored as one UTF-8 byte array with end offsets per answer: a Java String
 * per id would cost ~64 bytes, 6 GB at 100M answers. Items whose every answer was left out are
 * "orphans": they are not in the block (they would bend the EM's class priors) but are decided.
 */
public final class ItemFacts implements Serializable {
  private static final long serialVersionUID = 1L;

  final byte[] idBytes;
  final int[] idEnds;
  final String[] guidelineVersion;
  final String[] adjudicatedLabel;
  final String[] adjudicatedBy;
  final String[][] excluded;

  /** Per item, the left-out answers flags left out: annotation id, then flag ids (null: none). */
  final String[][][] flagged;

  /** Per item, ids of answers under superseded guideline versions (null: none). */
  final String[][] superseded;

  /** Per item, every guideline version its answers came from, sorted (shared arrays). */
  final String[][] versions;

  final Orphans orphans;

  ItemFacts(
      byte[] idBytes,
      int[] idEnds,
      String[] guidelineVersion,
      String[] adjudicatedLabel,
      String[] adjudicatedBy,
      String[][] excluded,
      String[][][] flagged,
      String[][] superseded,
      String[][] versions,
      Orphans orphans) {
    this.idBytes = idBytes;
    this.idEnds = idEnds;
    this.guidelineVersion = guidelineVersion;
    this.adjudicatedLabel = adjudicatedLabel;
    this.adjudicatedBy = adjudicatedBy;
    this.excluded = excluded;
    this.flagged = flagged;
    this.superseded = superseded;
    this.versions = versions;
    this.orphans = orphans;
  }

  /** Annotation id of answer {@code a} of the block (empty when the input had none). */
  public String annotationId(int a) {
    int from = a == 0 ? 0 : idEnds[a - 1];
    return new String(idBytes, from, idEnds[a] - from, StandardCharsets.UTF_8);
  }

  /** The latest guideline version among the item's answers (kept and left out). */
  public String guidelineVersion(int item) {
    return guidelineVersion[item];
  }

  /** The expert's label (latest adjudication), or null. */
  public String adjudicatedLabel(int item) {
    return adjudicatedLabel[item];
  }

  public String adjudicatedBy(int item) {
    return adjudicatedBy[item];
  }

  /** Ids of the item's answers left out of the fit (never null). */
  public String[] excluded(int item) {
    String[] e = excluded[item];
    return e == null ? NONE : e;
  }

  /** The item's answers left out by flags: each annotation id, then its flag ids (never null). */
  public String[][] flagged(int item) {
    String[][] f = flagged[item];
    return f == null ? NO_FLAGS : f;
  }

  static final String[][] NO_FLAGS = new String[0][];

  /** Ids of the item's answers under superseded guideline versions (never null). */
  public String[] superseded(int item) {
    String[] s = superseded[item];
    return s == null ? NONE : s;
  }

  /** Every guideline version the item's answers came from (kept, left out, superseded), sorted. */
  public String[] versions(int item) {
    return versions[item];
  }

  public Orphans orphans() {
    return orphans;
  }

  static final String[] NONE = new String[0];

  /** Items of this partition with no answer left after exclusion, with their facts. */
  public record Orphans(
      String[] itemIds,
      String[] goldLabel,
      String[] guidelineVersion,
      String[] adjudicatedLabel,
      String[] adjudicatedBy,
      String[][] excluded,
      String[][][] flagged,
      String[][] superseded,
      String[][] versions)
      implements Serializable {
    public int size() {
      return itemIds.length;
    }
  }
}
