package dev.safeload.formats.internal.json;

import dev.safeload.formats.FormatReason;
import dev.safeload.spi.FormatException;
import java.util.Objects;

/**
 * A violation of strict JSON or of a {@link JsonReader.Limits} cap. Each handler maps the {@link
 * Kind} to its own reason code; the offset is absolute in the file.
 */
public final class JsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, so that callers can choose a precise reason code. */
  public enum Kind {
    /** Not JSON: bad token, bad escape, lone surrogate escape, unexpected end, trailing tokens. */
    SYNTAX,
    /** A string holds bytes that are not strict UTF-8 (overlong, surrogate, out of range, cut). */
    UTF8,
    /** An object has the same key twice (compared after unescaping). */
    DUPLICATE_KEY,
    /** Nesting deeper than {@link JsonReader.Limits#maxDepth()}. */
    DEPTH_LIMIT,
    /** A string longer than {@link JsonReader.Limits#maxStringBytes()}. */
    STRING_LIMIT,
    /** A number literal longer than {@link JsonReader.Limits#maxNumberChars()}. */
    NUMBER_LIMIT,
    /** An object with more members than {@link JsonReader.Limits#maxMembers()}. */
    MEMBER_LIMIT
  }

  private final Kind kind;
  private final long offset;

  public JsonException(Kind kind, long offset, String message) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.kind = kind;
    this.offset = offset;
  }

  /** The explanation given when thrown: never null (the constructor requires one). */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }

  public Kind kind() {
    return kind;
  }

  /** Absolute byte offset in the file. */
  public long offset() {
    return offset;
  }

  /**
   * This violation as the finding of a file read as generic JSON: {@code JSON_INVALID} for bad
   * syntax or UTF-8, {@code JSON_DUPLICATE_KEY}, else {@code JSON_LIMIT_EXCEEDED}; at the same
   * offset with the same message.
   */
  public FormatException asJsonFinding() {
    return new FormatException(
        switch (kind) {
          case SYNTAX, UTF8 -> FormatReason.JSON_INVALID;
          case DUPLICATE_KEY -> FormatReason.JSON_DUPLICATE_KEY;
          default -> FormatReason.JSON_LIMIT_EXCEEDED;
        },
        offset,
        getMessage());
  }
}
