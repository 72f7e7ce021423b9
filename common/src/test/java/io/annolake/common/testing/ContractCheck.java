package io.annolake.common.testing;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.TableContract;
import java.util.ArrayList;
import java.util.List;

/** The tables of a lakehouse against the table contract (common/schema/tables.txt). */
public final class ContractCheck {
  private ContractCheck() {}

  /** How the lakehouse's tables differ from the contract; empty when every table matches. */
  public static List<String> differences(Lakehouse lakehouse) {
    List<String> out = new ArrayList<>();
    // the contract's tables are every table (TableContractTest)
    for (String table : TableContract.columns().keySet()) {
      if (lakehouse.exists(table)) {
        out.addAll(TableContract.differences(table, lakehouse.read(table).schema()));
      }
    }
    return out;
  }
}
