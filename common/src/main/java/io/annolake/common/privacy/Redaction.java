package io.annolake.common.privacy;

import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;

/**
 * Removes credentials from URIs before a source or path is stored in a table or a log: the password
 * part of {@code user:secret@} (the whole user info, since an access key id is half a credential)
 * and the values of query parameters that carry secrets ({@code sig}, {@code token}, {@code
 * X-Amz-Signature}, {@code X-Amz-Credential}, {@code password}, any name containing {@code key},
 * {@code secret}, {@code auth}, ...).
 *
 * <p>A user info without a colon is kept: Azure's {@code abfss://container@account...} names a
 * container there, not a credential. The same regular expressions back the String and the Column
 * forms (Spark's regexp_replace uses java.util.regex), so a path reads the same in every table.
 */
public final class Redaction {
  /** What a removed secret is replaced with. */
  public static final String REDACTED = "REDACTED";

  /**
   * {@code scheme://user:secret@host}: the user info when it has a password part (which may hold an
   * unencoded /).
   */
  static final String USER_INFO = "(?<=://)[^/?#@\\s:]*:[^?#@\\s]*@";

  /**
   * A query or matrix parameter whose name says it carries a secret; group 1 keeps {@code ?name=}.
   */
  static final String SECRET_PARAMETER =
      "(?i)([?&;][^=&#;\\s]*?(?:sig|signature|token|secret|password|passwd|pwd|credential|key|auth|session|code)[^=&#;\\s]*=)[^&#;\\s]*";

  private static final Pattern USER_INFO_PATTERN = Pattern.compile(USER_INFO);
  private static final Pattern SECRET_PARAMETER_PATTERN = Pattern.compile(SECRET_PARAMETER);

  private Redaction() {}

  /** The text with every credential in the URIs it holds removed; null stays null. */
  public static String uri(String text) {
    if (text == null) {
      return null;
    }
    String out = USER_INFO_PATTERN.matcher(text).replaceAll(REDACTED + "@");
    return SECRET_PARAMETER_PATTERN.matcher(out).replaceAll("$1" + REDACTED);
  }

  /** {@link #uri(String)} as a Column expression, for paths stored per row (source_file). */
  public static Column uri(Column text) {
    // Both expressions need an @ or a parameter separator; most paths hold neither, and skipping
    // the regular expressions for them saves a seventh of a bronze write's CPU at millions of rows.
    Column mayHoldSecrets =
        text.contains("@").or(text.contains("?")).or(text.contains("&")).or(text.contains(";"));
    return when(
            mayHoldSecrets,
            regexp_replace(
                regexp_replace(text, USER_INFO, REDACTED + "@"), SECRET_PARAMETER, "$1" + REDACTED))
        .otherwise(text);
  }

  /**
   * A run's parameters with every value redacted (they go to pipeline_runs and commit metadata).
   */
  public static Map<String, String> params(Map<String, String> params) {
    Map<String, String> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, uri(v)));
    return out;
  }
}
