package dev.safeload.bom.internal;

import dev.safeload.bom.BomFormatException;
import dev.safeload.provenance.Sha256;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * What the CycloneDX and SPDX readers share, so that a BOM in either format is read as the same
 * strict JSON: one factory (duplicate keys rejected, since two readers would otherwise see
 * different hashes; depth, string and document sizes bounded by Jackson before anything is built;
 * Jackson's global defaults left alone), one translation of Jackson's errors into {@link
 * BomFormatException}, and one rule for a SHA-256 value.
 */
abstract class BomJsonReader {
  /** Largest document (a fleet BOM with thousands of components is a few MiB). */
  static final int MAX_BYTES = 64 << 20;

  /** Deepest JSON nesting; real documents need a handful of levels. */
  static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxDocumentLength(MAX_BYTES)
                  .maxStringLength(16 << 20) // base64 attachments in model cards can be large
                  .maxNameLength(1024)
                  .maxNumberLength(64)
                  .build())
          .build();

  /** Reads a whole document from a parser positioned before its first token. */
  interface Document<T> {
    T read(JsonParser p) throws BomFormatException;
  }

  protected final JsonParser p;

  BomJsonReader(JsonParser p) {
    this.p = p;
  }

  /**
   * Parses {@code json} with {@code document}, turning any JSON error or limit breach into a {@link
   * BomFormatException}.
   */
  static <T> T read(byte[] json, Document<T> document) throws BomFormatException {
    if (json.length > MAX_BYTES) {
      throw new BomFormatException("larger than " + MAX_BYTES + " bytes");
    }
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
      return document.read(p);
    } catch (JacksonException e) {
      // A limit breach (StreamConstraintsException) has no location.
      String at = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
      throw new BomFormatException("not strict JSON: " + e.getOriginalMessage() + at);
    }
  }

  final String string(JsonToken t, String where) throws BomFormatException {
    expect(t, JsonToken.VALUE_STRING, where);
    return p.getString();
  }

  static void expect(@Nullable JsonToken t, JsonToken wanted, String where)
      throws BomFormatException {
    if (t != wanted) {
      throw new BomFormatException(
          where
              + " is not "
              + switch (wanted) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                default -> "a string";
              });
    }
  }

  /** A SHA-256 digest given as 64 hex digits (either case) at {@code where}. */
  static Sha256 sha256(String hex, String where) throws BomFormatException {
    if (hex.length() != 64 || !hex.chars().allMatch(BomJsonReader::isHex)) {
      throw new BomFormatException(where + " is not 64 hex digits");
    }
    return Sha256.ofHex(hex);
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** {@code s} quoted for a message: cut after {@code max} chars, control characters as '?'. */
  static String printable(String s, int max) {
    String cut = s.length() > max ? s.substring(0, max) + "..." : s;
    StringBuilder b = new StringBuilder("'");
    cut.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return b.append('\'').toString();
  }
}
