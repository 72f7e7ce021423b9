package io.annolake.common.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON for chart options, written so that it can never end the element it sits in: {@code <},
 * {@code >}, {@code &}, quotes and the JavaScript line separators are written as {@code \\uXXXX}
 * escapes (still the same JSON). The page reads it from a data attribute with {@code JSON.parse};
 * nothing in it is ever evaluated as script or markup.
 */
public final class ChartJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper SAFE = new ObjectMapper();

  static {
    SAFE.getFactory().setCharacterEscapes(new ScriptSafe());
  }

  private ChartJson() {}

  /** A new JSON object to build an option in. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A new JSON array. */
  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** The option as script-safe JSON text. */
  public static String write(ObjectNode option) {
    try {
      return SAFE.writeValueAsString(option);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write chart option as JSON", e);
    }
  }

  /** Jackson's standard escapes plus the characters that matter to HTML and JavaScript parsers. */
  private static final class ScriptSafe extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] escapes;

    ScriptSafe() {
      escapes = standardAsciiEscapesForJSON();
      for (char c : new char[] {'<', '>', '&', '\'', '"', '/'}) {
        escapes[c] = ESCAPE_CUSTOM;
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 128 || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
