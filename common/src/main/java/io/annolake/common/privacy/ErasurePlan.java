package io.annolake.common.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.schema.Columns;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What erasing one person's id does to one table, as Column expressions for Delta's DELETE and
 * UPDATE (never SQL text): found from the table's schema, so a table added later is covered when it
 * names its id columns as annolake does ({@link WorkerPseudonyms#IDENTITY_COLUMNS}).
 *
 * <ul>
 *   <li>A row is the person's when an identity column equals the id, or it is a worker (pair)
 *       anomaly flag about them. With {@code --answers delete} those rows are deleted.
 *   <li>Otherwise (keep) the id in those columns becomes the erasure's replacement ({@code
 *       erased-<random>}, one per erasure, unrelated to the id), so their answers still count as
 *       one anonymous worker's and consensus and quality rerun on them; the row's free text ({@link
 *       WorkerPseudonyms#TEXT_COLUMNS} and {@code detail}) loses the id where it is quoted as a
 *       whole token.
 *   <li>A table with free text but no identity column ({@code rejected_records}: its raw records
 *       were never parsed) has the id replaced in every text that quotes it as a token (deleted
 *       with {@code --answers delete}); a very short id may so erase a little more than it should,
 *       never less. So has a row of a table with identity columns whose ids are all null (a
 *       malformed raw record in bronze, which was never parsed).
 *   <li>An array of structs with an identity field ({@code escalations.annotations}, the answers
 *       behind an escalated item) holds other workers' answers too: the person's elements get the
 *       replacement id (keep) or are dropped from the array (delete); the row stays.
 * </ul>
 */
public final class ErasurePlan {
  /** How the person's answers are treated. */
  public enum Answers {
    /** Kept under an anonymous replacement id (the default). */
    KEEP,
    /** Deleted with every row that is theirs. */
    DELETE;

    /** Parses {@code keep} or {@code delete}. */
    public static Answers parse(String value) {
      return switch (value) {
        case "keep" -> KEEP;
        case "delete" -> DELETE;
        default ->
            throw new io.annolake.common.config.ConfigException(
                "Invalid value '" + value + "' for option '--answers': expected keep or delete");
      };
    }
  }

  /** Free-text columns that may quote ids (also as fields of arrays of structs). */
  static final List<String> TEXT = List.of("raw_record", "evidence", "detail", "question_text");

  private final Column rowIsTheirs;
  private final Column quotesThem;
  private final Map<String, Column> replacements;

  /** Rows whose arrays hold one of the person's elements (null: no such array). */
  private final Column nestedHoldsThem;

  private final Map<String, Column> nestedDrops;

  private ErasurePlan(
      Column rowIsTheirs,
      Column quotesThem,
      Map<String, Column> replacements,
      Column nestedHoldsThem,
      Map<String, Column> nestedDrops) {
    this.rowIsTheirs = rowIsTheirs;
    this.quotesThem = quotesThem;
    this.replacements = replacements;
    this.nestedHoldsThem = nestedHoldsThem;
    this.nestedDrops = nestedDrops;
  }

  /**
   * The plan for a table of this schema; {@link #touches()} is false for a table that holds no ids.
   */
  public static ErasurePlan of(StructType schema, String id, String replacement) {
    Column theirs = null;
    Column unparsed = null;
    Map<String, Column> set = new LinkedHashMap<>();
    for (String c : WorkerPseudonyms.IDENTITY_COLUMNS) {
      if (isString(schema, c)) {
        theirs = or(theirs, col(c).equalTo(lit(id)));
        unparsed = unparsed == null ? col(c).isNull() : unparsed.and(col(c).isNull());
        set.put(c, when(col(c).equalTo(lit(id)), lit(replacement)).otherwise(col(c)));
      }
    }
    if (isString(schema, "entity_type") && isString(schema, "entity_id")) {
      Column worker =
          col(Columns.ENTITY_TYPE)
              .equalTo(lit("worker"))
              .and(col(Columns.ENTITY_ID).equalTo(lit(id)));
      Column pair = split(col(Columns.ENTITY_ID), "\\|");
      Column inPair =
          col(Columns.ENTITY_TYPE)
              .equalTo(lit("worker_pair"))
              .and(pair.getItem(0).equalTo(lit(id)).or(pair.getItem(1).equalTo(lit(id))));
      Column flagged = worker.or(inPair);
      theirs = or(theirs, flagged);
      set.put(
          "entity_id",
          when(
                  flagged,
                  regexp_replace(
                      col(Columns.ENTITY_ID), WorkerPseudonyms.tokenRegex(id), replacement))
              .otherwise(col(Columns.ENTITY_ID)));
    }
    String token = WorkerPseudonyms.tokenRegex(id);
    Column quotes = null;
    for (String c : TEXT) {
      if (isString(schema, c)) {
        quotes = or(quotes, col(c).rlike(token));
      }
    }
    if (unparsed != null && quotes != null) {
      // a raw record that could not be parsed (bronze's malformed lines) has no ids, only its text
      theirs = theirs.or(unparsed.and(quotes));
    }
    for (String c : TEXT) {
      if (isString(schema, c)) {
        // with identity columns, only the person's own rows: another worker's text keeps its tokens
        Column replaced = regexp_replace(col(c), token, replacement);
        set.put(c, theirs == null ? replaced : when(theirs, replaced).otherwise(col(c)));
      }
    }
    Column rowIsTheirs = theirs != null ? theirs : quotes;
    Column quotesThem = theirs != null ? theirs : quotes;
    Column nested = null;
    Map<String, Column> drops = new LinkedHashMap<>();
    for (StructField f : schema.fields()) {
      if (!(f.dataType() instanceof ArrayType array)
          || !(array.elementType() instanceof StructType element)) {
        continue;
      }
      List<String> fields =
          WorkerPseudonyms.IDENTITY_COLUMNS.stream().filter(c -> isString(element, c)).toList();
      if (fields.isEmpty()) {
        continue;
      }
      List<String> texts = TEXT.stream().filter(c -> isString(element, c)).toList();
      nested = or(nested, exists(col(f.name()), x -> isTheirs(x, fields, id)));
      set.put(f.name(), transform(col(f.name()), x -> replaced(x, fields, texts, id, replacement)));
      drops.put(f.name(), filter(col(f.name()), x -> isTheirs(x, fields, id).unary_$bang()));
    }
    return new ErasurePlan(rowIsTheirs, quotesThem, set, nested, drops);
  }

  private static Column isTheirs(Column element, List<String> fields, String id) {
    Column theirs = null;
    for (String c : fields) {
      theirs = or(theirs, element.getField(c).equalTo(lit(id)));
    }
    return theirs;
  }

  /** The element with the id replaced in its identity fields and, when it is theirs, its text. */
  private static Column replaced(
      Column element, List<String> fields, List<String> texts, String id, String replacement) {
    Column out = element;
    Column theirs = isTheirs(element, fields, id);
    for (String t : texts) {
      out =
          out.withField(
              t,
              when(
                      theirs,
                      regexp_replace(
                          element.getField(t), WorkerPseudonyms.tokenRegex(id), replacement))
                  .otherwise(element.getField(t)));
    }
    for (String c : fields) {
      out =
          out.withField(
              c,
              when(element.getField(c).equalTo(lit(id)), lit(replacement))
                  .otherwise(element.getField(c)));
    }
    return out;
  }

  /** Whether the table has any column an erasure looks at. */
  public boolean touches() {
    return rowIsTheirs != null || nestedHoldsThem != null;
  }

  /**
   * Rows to delete with {@code --answers delete}: the person's rows (none when only arrays hold
   * them).
   */
  public Optional<Column> rowsToDelete() {
    return Optional.ofNullable(rowIsTheirs);
  }

  /** Rows to update with {@code --answers keep}. */
  public Column rowsToUpdate() {
    return or(quotesThem, nestedHoldsThem);
  }

  /**
   * With {@code --answers delete}, after {@link #rowsToDelete()}: the rows whose arrays hold the
   * person's elements, to update with {@link #dropsFromArrays()}; empty when no array holds ids.
   */
  public Optional<Column> rowsToDropFrom() {
    return Optional.ofNullable(nestedHoldsThem);
  }

  /**
   * The UPDATE's assignments for {@link #rowsToDropFrom()}: each array without the person's
   * elements.
   */
  public Map<String, Column> dropsFromArrays() {
    return nestedDrops;
  }

  /** The UPDATE's assignments (column to new value). */
  public Map<String, Column> assignments() {
    return replacements;
  }

  private static Column or(Column a, Column b) {
    return a == null ? b : a.or(b);
  }

  private static boolean isString(StructType schema, String column) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType() instanceof StringType;
      }
    }
    return false;
  }
}
