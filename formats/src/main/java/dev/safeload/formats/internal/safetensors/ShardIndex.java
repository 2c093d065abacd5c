package dev.safeload.formats.internal.safetensors;

import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.json.JsonException;
import dev.safeload.formats.internal.json.JsonReader;
import dev.safeload.formats.internal.json.JsonReader.Token;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.TensorInfo;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed shard index, {@code model.safetensors.index.json} or {@code
 * pytorch_model.bin.index.json} (the same schema; {@link Kind} says which shard suffix and reason
 * codes apply): {@code {"metadata": {...}, "weight_map": {tensor: shard}}}. Only those two
 * top-level keys are allowed, {@code weight_map} is required, shard names are bare {@code
 * [A-Za-z0-9._-]+<suffix>} names (no directory, so no traversal), tensor names follow the
 * safetensors name rules, and {@code metadata.total_size}, if present, is a non-negative integer
 * literal.
 *
 * <p>{@code total_size} is not compared with the shards' sizes: readers never use it to locate
 * bytes (it feeds progress bars and size estimates), and producers fill it inconsistently (some
 * leave it out, some hard-code it). What readers do use, the tensor-to-shard map, is checked
 * exactly against the shards by the index handler.
 */
public final class ShardIndex {

  /**
   * Which kind of shards an index names, and the codes its findings carry.
   *
   * @param suffix the shards' name ending, e.g. {@code .safetensors}
   * @param shardFormat the handler id every shard must validate as
   * @param indexFormat the handler id of this kind of index
   * @param fallback whether detection gives this kind every index whose first shard name does not
   *     end in another kind's suffix (empty maps, non-string values included), so that such an
   *     index is rejected by this kind's rules, not left unread
   * @param everySuffixIsShard whether every file with the suffix is a shard that an index must
   *     name, or only those that validated as {@code shardFormat}
   */
  public record Kind(
      String suffix,
      String shardFormat,
      String indexFormat,
      boolean fallback,
      boolean everySuffixIsShard,
      ReasonCode invalid,
      ReasonCode shardNameInvalid,
      ReasonCode shardMissing,
      ReasonCode tensorMismatch,
      ReasonCode shardUnreferenced) {}

  /** {@code model.safetensors.index.json}. */
  public static final Kind SAFETENSORS =
      new Kind(
          ".safetensors",
          "safetensors",
          "safetensors-index",
          true,
          true,
          FormatReason.SAFETENSORS_INDEX_INVALID,
          FormatReason.SAFETENSORS_INDEX_SHARD_NAME_INVALID,
          FormatReason.SAFETENSORS_INDEX_SHARD_MISSING,
          FormatReason.SAFETENSORS_INDEX_TENSOR_MISMATCH,
          FormatReason.SAFETENSORS_INDEX_SHARD_UNREFERENCED);

  /** {@code pytorch_model.bin.index.json}: shards are PyTorch checkpoints named {@code *.bin}. */
  public static final Kind PYTORCH =
      new Kind(
          ".bin",
          "pytorch",
          "pytorch-index",
          false,
          false,
          FormatReason.PYTORCH_INDEX_INVALID,
          FormatReason.PYTORCH_INDEX_SHARD_NAME_INVALID,
          FormatReason.PYTORCH_INDEX_SHARD_MISSING,
          FormatReason.PYTORCH_INDEX_TENSOR_MISMATCH,
          FormatReason.PYTORCH_INDEX_SHARD_UNREFERENCED);

  /**
   * @param json JSON caps (depth, string length, ...); its {@code maxMembers} caps entries
   * @param maxNameBytes longest tensor name in UTF-8 bytes
   */
  public record Limits(JsonReader.Limits json, long maxNameBytes) {
    /**
     * The index caps from the policy (the safetensors index's settings), shared by both index
     * kinds. Here rather than on a handler so that no exported signature shows this internal type.
     */
    public static Limits of(ValidationContext context) {
      return new Limits(
          dev.safeload.formats.internal.json.JsonLimits.of(
              context,
              context.limit(dev.safeload.formats.safetensors.Safetensors.MAX_INDEX_ENTRIES)),
          context.limit(dev.safeload.formats.safetensors.Safetensors.MAX_NAME_BYTES));
    }
  }

  private static final byte[] METADATA = "metadata".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WEIGHT_MAP = "weight_map".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOTAL_SIZE = "total_size".getBytes(StandardCharsets.US_ASCII);

  private final Map<String, String> metadata;
  private final List<String> tensorNames;
  private final int[] shardOf;
  private final List<String> shards;

  private ShardIndex(
      Map<String, String> metadata, List<String> tensorNames, int[] shardOf, List<String> shards) {
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
   * An index handler's detection: an object at the very start (Hugging Face writes indexes without
   * leading whitespace) that {@linkplain #looksLikeIndex(ByteBuffer, Kind) looks like} this kind's
   * index.
   */
  public static dev.safeload.spi.Confidence detect(ByteBuffer head, Kind kind) {
    if (!head.hasRemaining() || head.get(head.position()) != '{') {
      return dev.safeload.spi.Confidence.NONE;
    }
    return looksLikeIndex(head, kind)
        ? dev.safeload.spi.Confidence.STRONG
        : dev.safeload.spi.Confidence.NONE;
  }

  /** An index handler's validation: the index on its own, described by the shards it names. */
  public static ModelDescription describe(
      String handlerId, ModelBytes bytes, ValidationContext context, Kind kind) {
    ShardIndex index = parse(bytes, context, kind);
    return new ModelDescription(
        handlerId,
        List.<TensorInfo>of(),
        index.metadata(),
        index.shards().stream().sorted().toList());
  }

  /** An index handler's whole-model check: the index against the shards present. */
  public static void checkModel(
      ModelView.ValidatedFile self, ModelView model, ValidationContext context, Kind kind) {
    parse(self.bytes(), context, kind).checkShards(self, model, context, kind);
  }

  private static ShardIndex parse(ModelBytes bytes, ValidationContext context, Kind kind) {
    dev.safeload.formats.internal.json.JsonLimits.checkSize(bytes, context);
    return parse(bytes, Limits.of(context), kind);
  }

  /** {@link #looksLikeIndex(ByteBuffer, Kind)} for safetensors shards. */
  public static boolean looksLikeIndex(ByteBuffer head) {
    return looksLikeIndex(head, SAFETENSORS);
  }

  /**
   * Whether {@code head} (the start of a file) begins a JSON object whose top level has a {@code
   * weight_map} key with an object value whose first value is a string ending in the kind's suffix,
   * or, for the {@link Kind#fallback()} kind, anything but a string ending in another kind's
   * suffix. Reads only {@code head}; false on any doubt.
   */
  public static boolean looksLikeIndex(ByteBuffer head, Kind kind) {
    try {
      JsonReader r =
          new JsonReader(
              head.duplicate(),
              0,
              new JsonReader.Limits(64, Integer.MAX_VALUE, 1000, Integer.MAX_VALUE));
      if (r.next() != Token.BEGIN_OBJECT) {
        return false;
      }
      for (Token t = r.next(); t == Token.NAME; t = r.next()) {
        if (r.tokenEquals(WEIGHT_MAP)) {
          if (r.next() != Token.BEGIN_OBJECT) {
            return false;
          }
          if (r.next() == Token.END_OBJECT) {
            return kind.fallback();
          }
          boolean named = r.next() == Token.STRING;
          String first = named ? r.stringValue() : "";
          if (!kind.fallback()) {
            return named && first.endsWith(kind.suffix());
          }
          return !(named && first.endsWith(PYTORCH.suffix()));
        }
        r.skipValue();
      }
      return false;
    } catch (JsonException e) {
      return false; // includes a head that ends before weight_map
    }
  }

  /** Parses and validates a safetensors index. */
  public static ShardIndex parse(ModelBytes bytes, Limits limits) {
    return parse(bytes, limits, SAFETENSORS);
  }

  /**
   * Parses and validates an index; JSON errors carry {@code JSON_*} codes, schema errors the kind's
   * codes.
   */
  public static ShardIndex parse(ModelBytes bytes, Limits limits, Kind kind) {
    if (bytes.size() > Integer.MAX_VALUE) {
      throw new FormatException(
          FormatReason.JSON_LIMIT_EXCEEDED, 0, "the index is larger than 2 GiB");
    }
    ByteBuffer buf = bytes.slice(0, (int) bytes.size());
    JsonReader r = new JsonReader(buf, 0, limits.json());
    try {
      return read(r, buf, limits, kind);
    } catch (JsonException e) {
      throw e.asJsonFinding();
    }
  }

  /**
   * Checks this index, read from {@code self}, against the other files of {@code model}, relative
   * to the index's directory: every shard is present and validated as {@link Kind#shardFormat()}
   * ({@code shardMissing}); every mapped tensor is in its shard and every tensor of a shard is
   * mapped to it ({@code tensorMismatch}); no shard-named file in the directory is left out by
   * every index of this kind there ({@code shardUnreferenced}). For safetensors every {@code
   * *.safetensors} file counts; for PyTorch only {@code *.bin} files that validated as PyTorch
   * checkpoints, as the name is shared with ONNX external data and other raw files.
   */
  public void checkShards(
      ModelView.ValidatedFile self, ModelView model, ValidationContext context, Kind kind) {
    ShardIndex index = this;
    String name = self.name();
    String dir = name.substring(0, name.lastIndexOf('/') + 1);
    List<String> shards = index.shards();
    int n = shards.size();
    ModelDescription[] shardDescriptions = new ModelDescription[n];
    for (int s = 0; s < n; s++) {
      Optional<ModelView.ValidatedFile> f = model.file(dir + shards.get(s));
      if (f.isPresent() && f.get().format().equals(kind.shardFormat())) {
        shardDescriptions[s] = f.get().description();
      } else {
        context.report(
            kind.shardMissing(),
            Finding.NO_OFFSET,
            "shard " + shards.get(s) + " is absent or not a valid " + kind.shardFormat() + " file");
      }
    }
    Map<String, Integer> where = new HashMap<>(index.tensorNames().size() * 2);
    int[] expected = new int[n];
    for (int i = 0; i < index.tensorNames().size(); i++) {
      where.put(index.tensorNames().get(i), index.shardOf(i));
      expected[index.shardOf(i)]++;
    }
    for (int s = 0; s < n; s++) {
      if (shardDescriptions[s] == null) {
        continue;
      }
      int matched = 0;
      for (TensorInfo t : shardDescriptions[s].tensors()) {
        Integer e = where.get(t.name());
        if (e == null) {
          context.report(
              kind.tensorMismatch(),
              Finding.NO_OFFSET,
              "tensor '" + t.name() + "' of shard " + shards.get(s) + " is not in the index");
        } else if (e != s) {
          context.report(
              kind.tensorMismatch(),
              Finding.NO_OFFSET,
              "tensor '"
                  + t.name()
                  + "' is in shard "
                  + shards.get(s)
                  + " but the index places it in "
                  + shards.get(e));
        } else {
          matched++;
        }
      }
      if (matched != expected[s]) {
        Set<String> present = new HashSet<>();
        shardDescriptions[s].tensors().forEach(t -> present.add(t.name()));
        for (int i = 0; i < index.tensorNames().size(); i++) {
          if (index.shardOf(i) == s && !present.contains(index.tensorNames().get(i))) {
            context.report(
                kind.tensorMismatch(),
                Finding.NO_OFFSET,
                "the index places tensor '"
                    + index.tensorNames().get(i)
                    + "' in shard "
                    + shards.get(s)
                    + ", which does not hold it");
          }
        }
      }
    }
    Set<String> referenced = new HashSet<>(shards);
    for (String other : model.fileNames()) {
      if (!other.equals(name) && inDirectory(other, dir)) {
        model
            .file(other)
            .filter(f -> f.format().equals(kind.indexFormat()))
            .ifPresent(f -> referenced.addAll(f.description().references()));
      }
    }
    for (String other : model.fileNames()) {
      if (inDirectory(other, dir)
          && other.toLowerCase(Locale.ROOT).endsWith(kind.suffix())
          && !referenced.contains(other.substring(dir.length()))
          && (kind.everySuffixIsShard()
              || model
                  .file(other)
                  .filter(f -> f.format().equals(kind.shardFormat()))
                  .isPresent())) {
        context.report(
            kind.shardUnreferenced(),
            Finding.NO_OFFSET,
            kind.shardFormat() + " file " + other + " is not named by the shard index");
      }
    }
  }

  private static boolean inDirectory(String file, String dir) {
    return file.startsWith(dir) && file.indexOf('/', dir.length()) < 0;
  }

  private static ShardIndex read(JsonReader r, ByteBuffer buf, Limits limits, Kind kind) {
    if (r.next() != Token.BEGIN_OBJECT) {
      throw invalid(r, kind, "the index is not a JSON object");
    }
    Map<String, String> metadata = Collections.emptyMap();
    List<String> names = null;
    int[] shardOf = new int[16];
    List<String> shards = new ArrayList<>();
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      if (r.tokenEquals(METADATA)) {
        metadata = readMetadata(r, buf, kind);
      } else if (r.tokenEquals(WEIGHT_MAP)) {
        if (r.next() != Token.BEGIN_OBJECT) {
          throw invalid(r, kind, "weight_map must be an object");
        }
        names = new ArrayList<>();
        Map<String, Integer> shardIds = new HashMap<>();
        for (Token k = r.next(); k != Token.END_OBJECT; k = r.next()) {
          names.add(tensorName(r, limits, kind));
          if (r.next() != Token.STRING) {
            throw new FormatException(
                kind.shardNameInvalid(),
                r.tokenOffset(),
                "weight_map values must be shard file names");
          }
          String shard = shardName(r, kind);
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
        throw invalid(
            r, kind, "unknown top-level field; an index has only metadata and weight_map");
      }
    }
    r.next(); // END_DOCUMENT or trailing data
    if (names == null) {
      throw new FormatException(kind.invalid(), 0, "the index has no weight_map");
    }
    return new ShardIndex(
        metadata, Collections.unmodifiableList(names), shardOf, List.copyOf(shards));
  }

  private static Map<String, String> readMetadata(JsonReader r, ByteBuffer buf, Kind kind) {
    if (r.next() != Token.BEGIN_OBJECT) {
      throw invalid(r, kind, "metadata must be an object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      boolean totalSize = r.tokenEquals(TOTAL_SIZE);
      String key = r.stringValue();
      Token v = r.next();
      if (totalSize && (v != Token.INTEGER || r.nonNegativeLong() < 0)) {
        throw invalid(r, kind, "metadata.total_size must be a non-negative integer below 2^63");
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

  private static String tensorName(JsonReader r, Limits limits, Kind kind) {
    int len = r.decodedLength();
    if (len == 0) {
      throw invalid(r, kind, "empty tensor name");
    }
    if (len > limits.maxNameBytes()) {
      throw invalid(r, kind, "tensor name longer than " + limits.maxNameBytes() + " bytes");
    }
    if (r.tokenHasControl()) {
      throw invalid(r, kind, "tensor name with a control character");
    }
    return r.stringValue();
  }

  /** Checks {@code ^[A-Za-z0-9._-]+<suffix>$} on the decoded value. */
  private static String shardName(JsonReader r, Kind kind) {
    if (r.decodedLength() > 255) { // longer than any file name a file system takes
      throw new FormatException(
          kind.shardNameInvalid(), r.tokenOffset(), "shard name longer than 255 bytes");
    }
    String s = r.stringValue();
    boolean ok = s.length() > kind.suffix().length() && s.endsWith(kind.suffix());
    for (int i = 0; ok && i < s.length(); i++) {
      char c = s.charAt(i);
      ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
    }
    if (!ok) {
      throw new FormatException(
          kind.shardNameInvalid(),
          r.tokenOffset(),
          "shard name is not a bare [A-Za-z0-9._-]+" + kind.suffix() + " file name");
    }
    return s;
  }

  private static FormatException invalid(JsonReader r, Kind kind, String message) {
    return new FormatException(kind.invalid(), r.tokenOffset(), message);
  }
}
