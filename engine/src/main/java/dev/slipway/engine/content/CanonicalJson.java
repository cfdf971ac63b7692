package dev.slipway.engine.content;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/**
 * The one JSON encoding for content-addressed documents (manifests, indexes, configs): compact, map
 * keys sorted, record fields in declaration order, and strings escaped the way Go's encoding/json
 * does ({@code <}, {@code >}, {@code &}, U+2028/9 as \\u escapes). The same value therefore always
 * gives the same bytes, and the same digest as the equivalent document written by BuildKit.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  private static final ObjectMapper MAPPER = newMapper();

  private static ObjectMapper newMapper() {
    ObjectMapper mapper =
        new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.getFactory().setCharacterEscapes(new GoEscapes());
    return mapper;
  }

  /** The mapper, for callers that need tree access; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Parses a JSON document; {@code what} names it in the error (e.g. "manifest sha256:… in
   * busybox.tar").
   */
  public static <T> T read(byte[] json, Class<T> type, String what) throws InvalidContentException {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidContentException(
          what + " is not a valid " + type.getSimpleName() + " document: " + e.getMessage(), e);
    }
  }

  private static final class GoEscapes extends CharacterEscapes {
    private final int[] table = standardAsciiEscapesForJSON();

    GoEscapes() {
      table['<'] = ESCAPE_CUSTOM;
      table['>'] = ESCAPE_CUSTOM;
      table['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return table;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return switch (ch) {
        case '<', '>', '&', 0x2028, 0x2029 -> new SerializedString(String.format("\\u%04x", ch));
        default -> null;
      };
    }
  }
}
