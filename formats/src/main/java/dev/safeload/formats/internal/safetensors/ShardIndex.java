package dev.safeload.formats.internal.safetensors;

import dev.safeload.Reason;
import dev.safeload.formats.internal.json.JsonException;
import dev.safeload.formats.internal.json.JsonReader;
import dev.safeload.formats.internal.json.JsonReader.Token;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code model.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {tensor:
 * shard}}}. Only those two top-level keys are allowed, {@code weight_map} is required, shard names
 * are bare {@code [A-Za-z0-9._-]+.safetensors} names (no directory, so no traversal), tensor names
 * follow the safetensors name rules, and {@code metadata.total_size}, if present, is a non-negative
 * integer literal.
 *
 * <p>{@code total_size} is not compared with the shards' sizes: readers never use it to locate
 * bytes (it feeds progress bars and size estimates), and producers fill it inconsistently (some
 * leave it out, some hard-code it). What readers do use, the tensor-to-shard map, is checked
 * exactly against the shards by the index handler.
 */
public final class ShardIndex {

  /**
   * @param json         JSON caps (depth, string length, ...); its {@code maxMembers} caps entries
   * @param maxNameBytes longest tensor name in UTF-8 bytes
   */
  public record Limits(JsonReader.Limits json, long maxNameBytes) {}

  private static final byte[] METADATA = "metadata".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WEIGHT_MAP = "weight_map".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOTAL_SIZE = "total_size".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = ".safetensors".getBytes(StandardCharsets.US_ASCII);

  private final Map<String, String> metadata;
  private final List<String> tensorNames;
  private final int[] shardOf;
  private final List<String> shards;

  private ShardIndex(Map<String, String> metadata, List<String> tensorNames, int[] shardOf, List<String> shards) {
    this.metadata = metadata;
    this.tensorNames = tensorNames;
    this.shardOf = shardOf;
    this.shards = shards;
  }

  /** {@code metadata} values as text (strings unescaped, other values as their JSON text). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Tensor names in file order. */
  public List<String> tensorNames() {
    return tensorNames;
  }

  /** Index into {@link #shards()} of the shard holding tensor {@code i}. */
  public int shardOf(int i) {
    return shardOf[i];
  }

  /** Distinct shard names in order of first appearance. */
  public List<String> shards() {
    return shards;
  }

  /**
   * Whether {@code head} (the start of a file) begins a JSON object whose top level has a
   * {@code weight_map} key with an object value. Reads only {@code head}; false on any doubt.
   */
  public static boolean looksLikeIndex(ByteBuffer head) {
    try {
      JsonReader r = new JsonReader(head.duplicate(), 0, new JsonReader.Limits(64, Integer.MAX_VALUE, 1000, Integer.MAX_VALUE));
      if (r.next() != Token.BEGIN_OBJECT) {
        return false;
      }
      for (Token t = r.next(); t == Token.NAME; t = r.next()) {
        if (r.tokenEquals(WEIGHT_MAP)) {
          return r.next() == Token.BEGIN_OBJECT;
        }
        r.skipValue();
      }
      return false;
    } catch (JsonException e) {
      return false; // includes a head that ends before weight_map
    }
  }

  /** Parses and validates an index; JSON errors carry {@code JSON_*} codes, schema errors index codes. */
  public static ShardIndex parse(ModelBytes bytes, Limits limits) {
    if (bytes.size() > Integer.MAX_VALUE) {
      throw new FormatException(Reason.JSON_LIMIT_EXCEEDED, 0, "the index is larger than 2 GiB");
    }
    ByteBuffer buf = bytes.slice(0, (int) bytes.size());
    JsonReader r = new JsonReader(buf, 0, limits.json());
    try {
      return read(r, buf, limits);
    } catch (JsonException e) {
      throw new FormatException(switch (e.kind()) {
        case SYNTAX, UTF8 -> Reason.JSON_INVALID;
        case DUPLICATE_KEY -> Reason.JSON_DUPLICATE_KEY;
        default -> Reason.JSON_LIMIT_EXCEEDED;
      }, e.offset(), e.getMessage());
    }
  }

  private static ShardIndex read(JsonReader r, ByteBuffer buf, Limits limits) {
    if (r.next() != Token.BEGIN_OBJECT) {
      throw invalid(r, "the index is not a JSON object");
    }
    Map<String, String> metadata = Collections.emptyMap();
    List<String> names = null;
    int[] shardOf = new int[16];
    List<String> shards = new ArrayList<>();
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      if (r.tokenEquals(METADATA)) {
        metadata = readMetadata(r, buf);
      } else if (r.tokenEquals(WEIGHT_MAP)) {
        if (r.next() != Token.BEGIN_OBJECT) {
          throw invalid(r, "weight_map must be an object");
        }
        names = new ArrayList<>();
        Map<String, Integer> shardIds = new HashMap<>();
        for (Token k = r.next(); k != Token.END_OBJECT; k = r.next()) {
          names.add(tensorName(r, limits));
          if (r.next() != Token.STRING) {
            throw new FormatException(Reason.SAFETENSORS_INDEX_SHARD_NAME_INVALID, r.tokenOffset(),
                "weight_map values must be shard file names");
          }
          String shard = shardName(r);
          Integer id = shardIds.get(shard);
          if (id == null) {
            id = shards.size();
            shardIds.put(shard, id);
            shards.add(shard);
          }
          if (names.size() > shardOf.length) {
            shardOf = Arrays.copyOf(shardOf, shardOf.length * 2);
          }
          shardOf[names.size() - 1] = id;
        }
      } else {
        throw invalid(r, "unknown top-level field; an index has only metadata and weight_map");
      }
    }
    r.next(); // END_DOCUMENT or trailing data
    if (names == null) {
      throw new FormatException(Reason.SAFETENSORS_INDEX_INVALID, 0, "the index has no weight_map");
    }
    return new ShardIndex(metadata, Collections.unmodifiableList(names), shardOf, List.copyOf(shards));
  }

  private static Map<String, String> readMetadata(JsonReader r, ByteBuffer buf) {
    if (r.next() != Token.BEGIN_OBJECT) {
      throw invalid(r, "metadata must be an object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      boolean totalSize = r.tokenEquals(TOTAL_SIZE);
      String key = r.stringValue();
      Token v = r.next();
      if (totalSize && (v != Token.INTEGER || r.nonNegativeLong() < 0)) {
        throw invalid(r, "metadata.total_size must be a non-negative integer below 2^63");
      }
      String text;
      switch (v) {
        case STRING -> text = r.stringValue();
        case BEGIN_OBJECT, BEGIN_ARRAY -> {
          int from = r.tokenStart();
          int target = r.depth() - 1;
          while (r.depth() > target) {
            r.next();
          }
          byte[] raw = new byte[r.tokenEnd() - from];
          buf.get(from, raw);
          text = new String(raw, StandardCharsets.UTF_8);
        }
        default -> text = r.rawText();
      }
      out.put(key, text);
    }
    return Collections.unmodifiableMap(out);
  }

  private static String tensorName(JsonReader r, Limits limits) {
    int len = r.decodedLength();
    if (len == 0) {
      throw invalid(r, "empty tensor name");
    }
    if (len > limits.maxNameBytes()) {
      throw invalid(r, "tensor name longer than " + limits.maxNameBytes() + " bytes");
    }
    if (r.tokenHasControl()) {
      throw invalid(r, "tensor name with a control character");
    }
    return r.stringValue();
  }

  /** Checks {@code ^[A-Za-z0-9._-]+\.safetensors$} on the decoded value. */
  private static String shardName(JsonReader r) {
    if (r.decodedLength() > 255) { // longer than any file name a file system takes
      throw new FormatException(Reason.SAFETENSORS_INDEX_SHARD_NAME_INVALID, r.tokenOffset(),
          "shard name longer than 255 bytes");
    }
    String s = r.stringValue();
    boolean ok = s.length() > SUFFIX.length && s.endsWith(".safetensors");
    for (int i = 0; ok && i < s.length(); i++) {
      char c = s.charAt(i);
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
    }
    if (!ok) {
      throw new FormatException(Reason.SAFETENSORS_INDEX_SHARD_NAME_INVALID, r.tokenOffset(),
          "shard name is not a bare [A-Za-z0-9._-]+.safetensors file name");
    }
    return s;
  }

  private static FormatException invalid(JsonReader r, String message) {
    return new FormatException(Reason.SAFETENSORS_INDEX_INVALID, r.tokenOffset(), message);
  }
}
