package io.annolake.common.agreement;

import java.io.Serializable;

/**
 * How contested one item is.
 *
 * @param annotations values the item received
 * @param distinctLabels distinct categories among them
 * @param topLabel index of the most frequent category (ties: the first in category order)
 * @param topLabelShare its share of the values
 * @param entropy Shannon entropy of the label distribution in bits (0 = unanimous)
 * @param percentAgreement share of agreeing rater pairs, NaN with fewer than two values
 */
public record ItemStats(
    int annotations,
    int distinctLabels,
    int topLabel,
    double topLabelShare,
    double entropy,
    double percentAgreement)
    implements Serializable {

  public static ItemStats of(ItemCounts item) {
    int m = item.total();
    if (m == 0) {
      return new ItemStats(0, 0, -1, Double.NaN, Double.NaN, Double.NaN);
    }
    int top = -1;
    int topCount = 0;
    double entropy = 0;
    long same = 0;
    for (int j = 0; j < item.distinct(); j++) {
      int n = item.count(j);
      if (n > topCount) {
        topCount = n;
        top = item.category(j);
      }
      double p = (double) n / m;
      entropy -= p * Math.log(p) / Math.log(2);
      same += (long) n * (n - 1);
    }
    double agreement = m < 2 ? Double.NaN : same / ((double) m * (m - 1));
    return new ItemStats(
        m, item.distinct(), top, (double) topCount / m, entropy == 0 ? 0 : entropy, agreement);
  }
}
