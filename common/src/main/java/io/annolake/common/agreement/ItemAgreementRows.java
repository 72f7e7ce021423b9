package io.annolake.common.agreement;

import static io.annolake.common.aggregation.spark.InternalRows.utf8;
import static io.annolake.common.agreement.AgreementTransforms.orNull;

import io.annolake.common.aggregation.spark.InternalRows;
import io.annolake.common.agreement.AnswerCodes.Group;
import io.annolake.common.agreement.UnitCoding.Coding;
import io.annolake.common.schema.AgreementSchemas;
import java.io.Serializable;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/** item_agreement: per unit its counts, top label, entropy; the most contested first. */
public final class ItemAgreementRows {
  /** Positions in an item_agreement row, by name: the ordering reads them for every unit. */
  static final int ITEM_ID = AgreementSchemas.ITEM_AGREEMENT.fieldIndex("item_id");

  static final int TOP_LABEL_SHARE = AgreementSchemas.ITEM_AGREEMENT.fieldIndex("top_label_share");
  static final int ENTROPY_BITS = AgreementSchemas.ITEM_AGREEMENT.fieldIndex("entropy_bits");

  private ItemAgreementRows() {}

  /**
   * Per item: annotations, distinct labels, top label and its share, entropy, percent agreement.
   */
  public static Dataset<Row> itemAgreement(JavaRDD<ItemAnswers> items, Broadcast<Coding> coding) {
    JavaRDD<InternalRow> rows =
        items.mapPartitions(
            it -> {
              ItemRows make = new ItemRows(coding.value().codes());
              return new Iterator<InternalRow>() {
                @Override
                public boolean hasNext() {
                  return it.hasNext();
                }

                @Override
                public InternalRow next() {
                  return make.row(it.next());
                }
              };
            });
    // millions of rows: internal rows go to the writer with no conversion
    return SparkSession.active()
        .internalCreateDataFrame(rows.rdd(), AgreementSchemas.ITEM_AGREEMENT, false);
  }

  /** Orders item_agreement rows most contested first. */
  static final class Contested implements Comparator<Row>, Serializable {
    @Override
    public int compare(Row a, Row b) {
      int c = Double.compare(b.getDouble(ENTROPY_BITS), a.getDouble(ENTROPY_BITS));
      if (c == 0) {
        c = Double.compare(a.getDouble(TOP_LABEL_SHARE), b.getDouble(TOP_LABEL_SHARE));
      }
      if (c == 0) {
        c = a.getString(ITEM_ID).compareTo(b.getString(ITEM_ID));
      }
      // then the slice columns (project, step, guideline version, day), which come first
      for (int i = 0; c == 0 && i < ITEM_ID; i++) {
        c =
            Objects.compare(
                String.valueOf(a.get(i)), String.valueOf(b.get(i)), Comparator.naturalOrder());
      }
      return c;
    }
  }

  /**
   * item_agreement rows as Spark internal rows, each group's columns and labels encoded once. Label
   * codes follow string order, so the stats (and their ties) are those of the labels sorted as
   * strings.
   */
  static final class ItemRows {
    private final Object[][] groups;
    private final UTF8String[][] labels;

    ItemRows(AnswerCodes codes) {
      groups = new Object[codes.groups()][];
      labels = new UTF8String[codes.groups()][];
      for (int g = 0; g < groups.length; g++) {
        Group x = codes.group(g);
        Integer day =
            x.day() == null ? null : (int) java.time.LocalDate.parse(x.day()).toEpochDay();
        groups[g] =
            new Object[] {utf8(x.project()), utf8(x.step()), utf8(x.guidelineVersion()), day};
        labels[g] = new UTF8String[codes.labels(g)];
        for (int l = 0; l < labels[g].length; l++) {
          labels[g][l] = utf8(codes.label(g, l));
        }
      }
    }

    InternalRow row(ItemAnswers i) {
      ItemStats s = ItemStats.of(ItemCounts.ofValues(i.labels()));
      Object[] g = groups[i.group()];
      return InternalRows.of(
          g[0],
          g[1],
          g[2],
          g[3],
          utf8(i.itemId()),
          s.annotations(),
          s.distinctLabels(),
          s.topLabel() < 0 ? null : labels[i.group()][s.topLabel()],
          orNull(s.topLabelShare()),
          orNull(s.entropy()),
          orNull(s.percentAgreement()));
    }
  }
}
