package io.annolake.common.privacy;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.schema.Columns;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Keyed pseudonyms of worker ids: {@code wp_} + the first 24 hex digits (96 bits) of
 * HMAC-SHA-256(key, id). The same id gives the same pseudonym under one key, so joins and counts
 * across exports still work; without the key an id cannot be confirmed by hashing guesses.
 *
 * <p>The key comes only from the environment: {@value #KEY_ENV} (the key text, at least {@value
 * #MIN_KEY_BYTES} bytes) or {@value #KEY_FILE_ENV} (a file holding it); never from the
 * configuration or a table, so whoever can read the lakehouse or the settings cannot re-identify.
 * Rotating the key changes every pseudonym (docs/PRIVACY.md).
 *
 * <p>Applied at the boundaries (export, snapshot, report) with {@link #apply(Dataset)}; the tables
 * keep raw ids so every job's results are unchanged.
 */
public final class WorkerPseudonyms implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Environment variable holding the key text. */
  public static final String KEY_ENV = "ANNOLAKE_PSEUDONYM_KEY";

  /**
   * Environment variable naming a file that holds the key (used when {@link #KEY_ENV} is unset).
   */
  public static final String KEY_FILE_ENV = "ANNOLAKE_PSEUDONYM_KEY_FILE";

  /** Shortest key accepted: 128 bits. */
  public static final int MIN_KEY_BYTES = 16;

  /** Columns that hold a person's id in annolake's tables (workers, experts, quality leads). */
  public static final List<String> IDENTITY_COLUMNS =
      List.of("worker_id", "expert_id", "worker_a", "worker_b", "lead_id");

  /**
   * Free-text columns that may quote a row's ids (raw landing records, anomaly evidence JSON,
   * annotators' questions, also as a field of an array of structs such as edge_cases.questions).
   */
  public static final List<String> TEXT_COLUMNS =
      List.of("raw_record", "evidence", "question_text");

  private static final String PREFIX = "wp_";
  private static final int HEX_DIGITS = 24;

  private final byte[] key;

  private WorkerPseudonyms(byte[] key) {
    this.key = key.clone();
  }

  /** Pseudonyms under the given key (tests and callers that manage keys themselves). */
  public static WorkerPseudonyms withKey(byte[] key) {
    if (key.length < MIN_KEY_BYTES) {
      throw new ConfigException(
          "Invalid pseudonym key: at least "
              + MIN_KEY_BYTES
              + " bytes are needed, got "
              + key.length);
    }
    return new WorkerPseudonyms(key);
  }

  /**
   * Configuration key saying whether boundaries show pseudonyms ({@code pseudonymized}) or raw ids
   * ({@code raw}).
   */
  public static final String WORKER_IDS_KEY = "annolake.privacy.worker-ids";

  /**
   * What a boundary (export, snapshot, report) applies: pseudonyms under the environment's key, or
   * null when the configuration allows raw ids. A missing key is a ConfigException (exit 2).
   */
  public static WorkerPseudonyms atBoundary(AnnolakeConfig config) {
    return atBoundary(config, System.getenv());
  }

  /** {@link #atBoundary(AnnolakeConfig)} with the environment given (tests). */
  public static WorkerPseudonyms atBoundary(AnnolakeConfig config, Map<String, String> env) {
    String mode = config.string(WORKER_IDS_KEY);
    return switch (mode) {
      case "raw" -> null;
      case "pseudonymized" -> fromEnvironment(env);
      default ->
          throw new ConfigException(
              "Invalid value '"
                  + mode
                  + "' for key '"
                  + WORKER_IDS_KEY
                  + "': expected pseudonymized or raw");
    };
  }

  /** Pseudonyms under the key of this process's environment (see {@link #fromEnvironment(Map)}). */
  public static WorkerPseudonyms fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * The key from {@value #KEY_ENV}, else from the file {@value #KEY_FILE_ENV} names (one trailing
   * newline ignored); a ConfigException naming both variables when neither is set.
   */
  public static WorkerPseudonyms fromEnvironment(Map<String, String> env) {
    String text = env.get(KEY_ENV);
    if (text != null && !text.isEmpty()) {
      if (text.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
        throw new ConfigException(
            "Invalid value for environment variable "
                + KEY_ENV
                + ": the key needs at least "
                + MIN_KEY_BYTES
                + " bytes");
      }
      return new WorkerPseudonyms(text.getBytes(StandardCharsets.UTF_8));
    }
    String file = env.get(KEY_FILE_ENV);
    if (file != null && !file.isEmpty()) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(Path.of(file));
      } catch (IOException e) {
        throw new ConfigException(
            "Invalid value for environment variable "
                + KEY_FILE_ENV
                + ": cannot read the key file "
                + file,
            e);
      }
      int n = bytes.length;
      while (n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == '\r')) {
        n--;
      }
      if (n < MIN_KEY_BYTES) {
        throw new ConfigException(
            "Invalid value for environment variable "
                + KEY_FILE_ENV
                + ": the key file holds fewer than "
                + MIN_KEY_BYTES
                + " bytes");
      }
      return new WorkerPseudonyms(Arrays.copyOf(bytes, n));
    }
    throw new ConfigException(
        "Worker ids must be pseudonymized (annolake.privacy.worker-ids = pseudonymized) but no key is set: set environment variable "
            + KEY_ENV
            + " (or "
            + KEY_FILE_ENV
            + " to a key file), or allow raw ids in the configuration");
  }

  /** The pseudonym of one id; null stays null. */
  public String pseudonym(String id) {
    if (id == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * {@link #pseudonym(String)} as a Column (a UDF whose closure carries the key to the executors).
   */
  public Column pseudonym(Column id) {
    WorkerPseudonyms self = this;
    UserDefinedFunction f = udf((String s) -> self.pseudonym(s), DataTypes.StringType);
    return f.apply(id);
  }

  /**
   * The text with every whole-token occurrence of the given ids replaced by their pseudonyms (a
   * token: not preceded or followed by a letter, digit, '_' or '-', so {@code w1} in {@code w10} is
   * left alone).
   */
  public String pseudonymizeText(String text, List<String> ids) {
    if (text == null || ids == null) {
      return text;
    }
    String out = text;
    for (String id : ids) {
      if (id != null && !id.isEmpty()) {
        out = token(id).matcher(out).replaceAll(Matcher.quoteReplacement(pseudonym(id)));
      }
    }
    return out;
  }

  /** The regular expression of an id as a whole token (shared with erasure). */
  public static Pattern token(String id) {
    return Pattern.compile(tokenRegex(id));
  }

  /** {@link #token(String)} as regex text, for Column expressions (rlike, regexp_replace). */
  public static String tokenRegex(String id) {
    return "(?<![\\p{Alnum}_-])" + Pattern.quote(id) + "(?![\\p{Alnum}_-])";
  }

  /** {@link #pseudonymizeText(String, List)} as a Column over an array of ids. */
  public Column pseudonymizeText(Column text, Column ids) {
    WorkerPseudonyms self = this;
    UserDefinedFunction f =
        udf(
            (String t, Seq<String> s) ->
                self.pseudonymizeText(t, s == null ? null : JavaConverters.seqAsJavaList(s)),
            DataTypes.StringType);
    return f.apply(text, ids);
  }

  /**
   * The rows with every person's id replaced by its pseudonym: the {@link #IDENTITY_COLUMNS} (also
   * as fields of arrays of structs, e.g. escalations' answers), the entity ids of worker and
   * worker-pair anomaly flags, and those ids where the row's {@link #TEXT_COLUMNS} quote them. A
   * text column of a table without identity columns (the raw text of rejected_records, whose ids
   * were never parsed) cannot be pseudonymized and is withheld (null). Other columns are unchanged;
   * the schema is the same.
   */
  public Dataset<Row> apply(Dataset<Row> rows) {
    List<String> names = List.of(rows.columns());
    List<Column> ids = new ArrayList<>();
    for (String c : IDENTITY_COLUMNS) {
      if (isString(rows, c)) {
        ids.add(col(c));
      }
    }
    boolean flags = isString(rows, "entity_type") && isString(rows, "entity_id");
    if (flags) {
      Column pair = split(col(Columns.ENTITY_ID), "\\|");
      ids.add(when(col(Columns.ENTITY_TYPE).equalTo("worker"), col(Columns.ENTITY_ID)));
      ids.add(when(col(Columns.ENTITY_TYPE).equalTo("worker_pair"), pair.getItem(0)));
      ids.add(when(col(Columns.ENTITY_TYPE).equalTo("worker_pair"), pair.getItem(1)));
    }
    List<Column> out = new ArrayList<>();
    for (String c : names) {
      Column v = col("`" + c + "`");
      if (IDENTITY_COLUMNS.contains(c) && isString(rows, c)) {
        v = pseudonym(v);
      } else if (flags && c.equals("entity_id")) {
        Column pair = split(v, "\\|");
        v =
            when(col(Columns.ENTITY_TYPE).equalTo("worker"), pseudonym(v))
                .when(
                    col(Columns.ENTITY_TYPE).equalTo("worker_pair"),
                    concat(pseudonym(pair.getItem(0)), lit("|"), pseudonym(pair.getItem(1))))
                .otherwise(v);
      } else if (nestedIdentities(rows, c) != null) {
        // an array of structs holding ids (escalations.annotations, edge_cases.questions): each
        // element's ids replaced, and where its text quotes them
        List<String> fields = nestedIdentities(rows, c);
        List<String> texts = nestedTexts(rows, c);
        v =
            transform(
                v,
                e -> {
                  Column el = e;
                  for (String f : fields) {
                    el = el.withField(f, pseudonym(e.getField(f)));
                  }
                  Column own = array(fields.stream().map(e::getField).toArray(Column[]::new));
                  for (String t : texts) {
                    el = el.withField(t, pseudonymizeText(e.getField(t), own));
                  }
                  return el;
                });
      } else if (TEXT_COLUMNS.contains(c) && isString(rows, c)) {
        v =
            ids.isEmpty()
                ? lit(null).cast(DataTypes.StringType)
                : pseudonymizeText(v, array(ids.toArray(Column[]::new)));
        if (c.equals("raw_record") && !ids.isEmpty()) {
          // a record that never parsed (no id of its own) cannot be pseudonymized: withheld
          v =
              when(
                      coalesce(ids.toArray(Column[]::new)).isNull(),
                      lit(null).cast(DataTypes.StringType))
                  .otherwise(v);
        }
      }
      out.add(v.as(c));
    }
    return rows.select(out.toArray(Column[]::new));
  }

  /** The identity fields of a column that is an array of structs, or null when it has none. */
  private static List<String> nestedIdentities(Dataset<Row> rows, String column) {
    for (StructField f : rows.schema().fields()) {
      if (f.name().equals(column)
          && f.dataType() instanceof ArrayType a
          && a.elementType() instanceof StructType t) {
        List<String> ids = new ArrayList<>();
        for (StructField e : t.fields()) {
          if (IDENTITY_COLUMNS.contains(e.name()) && e.dataType() instanceof StringType) {
            ids.add(e.name());
          }
        }
        return ids.isEmpty() ? null : ids;
      }
    }
    return null;
  }

  /** The free-text fields ({@link #TEXT_COLUMNS}) of a column that is an array of structs. */
  private static List<String> nestedTexts(Dataset<Row> rows, String column) {
    List<String> texts = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      if (f.name().equals(column)
          && f.dataType() instanceof ArrayType a
          && a.elementType() instanceof StructType t) {
        for (StructField e : t.fields()) {
          if (TEXT_COLUMNS.contains(e.name()) && e.dataType() instanceof StringType) {
            texts.add(e.name());
          }
        }
      }
    }
    return texts;
  }

  private static boolean isString(Dataset<Row> rows, String column) {
    for (StructField f : rows.schema().fields()) {
      if (f.name().equals(column)) {
        return f.dataType() instanceof StringType;
      }
    }
    return false;
  }
}
