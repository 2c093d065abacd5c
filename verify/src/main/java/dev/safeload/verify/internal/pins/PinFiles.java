package dev.safeload.verify.internal.pins;

import dev.safeload.FileGlob;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.PinFileException;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.PinSet.Pin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.util.DefaultPrettyPrinter;

/**
 * Reads and writes pin files: our JSON format and {@code sha256sum} output.
 *
 * <p>JSON versions: {@code 1} holds {@code files} only; {@code 2} adds the optional {@code ignore}
 * and {@code opaque} pattern lists ({@link FileGlob} syntax). The writer emits version 1 whenever
 * both lists are empty, so that pin files without patterns stay readable by older readers; a reader
 * refuses the pattern fields in a version 1 file, because an older reader would refuse them too and
 * the two must never disagree about what a pin file means. {@code 3} adds shard digests: a
 * top-level {@code shard_size} and per-entry {@code shards} lists, refused in older versions for
 * the same reason; the writer emits version 3 only when shards are pinned. In version 3 an entry
 * with {@code shards} may leave out {@code sha256}: its shards are then its whole pin.
 */
public final class PinFiles {
  /** Largest pin file read; 100,000 pins of long paths fit comfortably. */
  public static final int MAX_BYTES = 64 << 20;

  /** Most pins in one file. */
  public static final int MAX_PINS = 100_000;

  /** Longest pinned path, in characters. */
  static final int MAX_PATH_CHARS = 4096;

  /** Most patterns in one of the {@code ignore} and {@code opaque} lists. */
  public static final int MAX_PATTERNS = 1024;

  /** The newest JSON version this reader knows. */
  public static final int VERSION = 3;

  /** Most shard digests in one file, over all entries (20 GiB in 1 MiB shards is 20,480). */
  public static final int MAX_SHARDS = 400_000;

  /**
   * A parsed pin file.
   *
   * @param pins the pins, in file order
   * @param ignore ignore patterns, in file order, without duplicates
   * @param opaque opaque patterns, in file order, without duplicates
   * @param shardSize the size of the pinned shards, 0 if none are pinned
   */
  public record Content(List<Pin> pins, List<String> ignore, List<String> opaque, long shardSize) {
    public Content {
      pins = List.copyOf(pins);
      ignore = List.copyOf(ignore);
      opaque = List.copyOf(opaque);
    }

    /** Content without shards. */
    public Content(List<Pin> pins, List<String> ignore, List<String> opaque) {
      this(pins, ignore, opaque, 0);
    }
  }

  /**
   * Our own factory with tight limits: the pin file is configuration, but it may come from the same
   * place as the model. Never the shared defaults (principle 7).
   */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxDocumentLength(MAX_BYTES)
                  .maxNestingDepth(4)
                  .maxNameLength(64)
                  .maxStringLength(MAX_PATH_CHARS)
                  .maxNumberLength(20)
                  .maxTokenCount(16L * MAX_PINS + MAX_SHARDS + 64)
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // The caller owns the output stream (often System.out); closing the generator must not
          // close it.
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          // Pure-ASCII output: a pin file survives shells and consoles whatever their charset.
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .build();

  private PinFiles() {}

  /** Reads a pin file of either format, bounded by {@link #MAX_BYTES}. */
  public static Content read(Path file) throws IOException {
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      content = in.readNBytes(MAX_BYTES + 1);
    }
    if (content.length > MAX_BYTES) {
      throw new PinFileException(file + ": pin file larger than " + MAX_BYTES + " bytes");
    }
    Path name = file.getFileName();
    return parse(content, name == null ? file.toString() : name.toString());
  }

  /** Parses a pin file of either format; the first non-blank character decides which. */
  public static Content parse(byte[] content, String source) throws PinFileException {
    if (content.length > MAX_BYTES) {
      throw new PinFileException(source + ": pin file larger than " + MAX_BYTES + " bytes");
    }
    int i = 0;
    while (i < content.length && isBlank(content[i])) {
      i++;
    }
    if (i == content.length) {
      throw new PinFileException(source + ": the pin file is empty");
    }
    Content parsed =
        content[i] == '{'
            ? parseJson(content, source)
            : new Content(parseSha256sum(content, source), List.of(), List.of());
    if (parsed.pins().isEmpty()) {
      throw new PinFileException(source + ": the pin file pins no files");
    }
    return parsed;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  // ------------------------------------------------------------------------------------------ JSON

  private static Content parseJson(byte[] content, String source) throws PinFileException {
    Dedup dedup = new Dedup(source);
    long version = -1;
    boolean sawFiles = false;
    List<String> ignore = null;
    List<String> opaque = null;
    String patternField = null; // the first of ignore/opaque seen, for the version check
    String patternWhere = "";
    long shardSize = 0;
    String shardWhere = null; // where the first shard field was seen, for the version check
    int[] shardCount = {0};
    try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), content)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, source, "the top level must be an object");
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "version" -> {
            expect(p, v, JsonToken.VALUE_NUMBER_INT, source, "version must be an integer");
            if (p.getNumberType() != JsonParser.NumberType.INT
                || p.getIntValue() < 1
                || p.getIntValue() > VERSION) {
              throw error(
                  p, source, "unsupported version " + p.getText() + " (this reader knows 1 to 3)");
            }
            version = p.getIntValue();
          }
          case "ignore", "opaque" -> {
            expect(
                p, v, JsonToken.START_ARRAY, source, field + " must be an array of file patterns");
            List<String> patterns = readPatterns(p, source, field);
            if (field.equals("ignore")) {
              ignore = patterns;
            } else {
              opaque = patterns;
            }
            if (patternField == null) {
              patternField = field;
              patternWhere = where(p);
            }
          }
          case "shard_size" -> {
            expect(p, v, JsonToken.VALUE_NUMBER_INT, source, "shard_size must be an integer");
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < DigestedFile.MIN_SHARD_SIZE) {
              throw error(
                  p,
                  source,
                  "shard_size "
                      + p.getText()
                      + " is under the minimum of "
                      + DigestedFile.MIN_SHARD_SIZE
                      + " bytes or too large");
            }
            shardSize = p.getLongValue();
            if (shardWhere == null) {
              shardWhere = where(p);
            }
          }
          case "files" -> {
            expect(p, v, JsonToken.START_ARRAY, source, "files must be an array");
            sawFiles = true;
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
              expect(p, e, JsonToken.START_OBJECT, source, "each entry of files must be an object");
              Entry entry = readEntry(p, source, shardCount);
              if (entry.shardsAt() != null && shardWhere == null) {
                shardWhere = entry.shardsAt();
              }
              dedup.add(entry.pin(), where(p));
            }
          }
          default -> throw error(p, source, "unknown field '" + field + "'");
        }
      }
      if (p.nextToken() != null) {
        throw error(p, source, "content after the top-level object");
      }
    } catch (JacksonException e) {
      throw new PinFileException(
          source + ": not valid pin-file JSON: " + e.getOriginalMessage() + at(e.getLocation()), e);
    }
    if (version < 0) {
      throw new PinFileException(source + ": the required field 'version' is missing");
    }
    if (!sawFiles) {
      throw new PinFileException(source + ": the required field 'files' is missing");
    }
    if (version < 2 && patternField != null) {
      // Version 1 readers refuse these fields; a version 1 file carrying them would mean one thing
      // to
      // them and another to us.
      throw new PinFileException(
          source + ": the field '" + patternField + "' needs \"version\": 2" + patternWhere);
    }
    if (version < 3 && shardWhere != null) {
      throw new PinFileException(source + ": shard digests need \"version\": 3" + shardWhere);
    }
    for (Pin pin : dedup.pins) {
      if (pin.shards().isEmpty() && pin.sha256() != null) {
        continue;
      }
      if (shardSize == 0) {
        throw new PinFileException(
            source
                + ": the entry for '"
                + pin.path()
                + "' has shards but the file has no shard_size");
      }
      long want = DigestedFile.shardCount(pin.size(), shardSize);
      if (pin.shards().size() != want) {
        throw new PinFileException(
            source
                + ": the entry for '"
                + pin.path()
                + "' ("
                + pin.size()
                + " bytes) needs "
                + want
                + " shards of "
                + shardSize
                + " bytes, but lists "
                + pin.shards().size());
      }
    }
    return new Content(
        dedup.pins,
        ignore == null ? List.of() : ignore,
        opaque == null ? List.of() : opaque,
        shardSize);
  }

  /** A files entry, and where its shards list was, if it had one. */
  private record Entry(Pin pin, @org.jspecify.annotations.Nullable String shardsAt) {}

  /** An array of valid, distinct patterns; the parser stands on its START_ARRAY. */
  private static List<String> readPatterns(JsonParser p, String source, String field)
      throws PinFileException {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      expect(p, e, JsonToken.VALUE_STRING, source, "each entry of " + field + " must be a string");
      if (out.size() >= MAX_PATTERNS) {
        throw error(p, source, "more than " + MAX_PATTERNS + " " + field + " patterns");
      }
      String pattern = p.getString();
      try {
        FileGlob.of(pattern);
      } catch (IllegalArgumentException ex) {
        throw error(p, source, field + ": " + ex.getMessage());
      }
      if (!seen.add(pattern)) {
        throw error(p, source, field + " lists '" + pattern + "' twice");
      }
      out.add(pattern);
    }
    return out;
  }

  private static Entry readEntry(JsonParser p, String source, int[] shardCount)
      throws PinFileException {
    String path = null;
    String hex = null;
    List<Sha256> shards = List.of();
    String shardsAt = null;
    long size = PinSet.UNKNOWN_SIZE; // until a size field is read
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "path" -> {
          expect(p, v, JsonToken.VALUE_STRING, source, "path must be a string");
          path = p.getString();
        }
        case "sha256" -> {
          expect(p, v, JsonToken.VALUE_STRING, source, "sha256 must be a string");
          hex = p.getString();
        }
        case "size" -> {
          expect(p, v, JsonToken.VALUE_NUMBER_INT, source, "size must be a non-negative integer");
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw error(p, source, "size " + p.getText() + " is too large");
          }
          size = p.getLongValue();
          if (size < 0) {
            throw error(p, source, "size must be a non-negative integer, got " + size);
          }
        }
        case "shards" -> {
          expect(p, v, JsonToken.START_ARRAY, source, "shards must be an array of digests");
          shardsAt = where(p);
          shards = new ArrayList<>();
          for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            expect(
                p,
                e,
                JsonToken.VALUE_STRING,
                source,
                "each shard must be a string of 64 hex digits");
            if (++shardCount[0] > MAX_SHARDS) {
              throw error(p, source, "more than " + MAX_SHARDS + " shard digests");
            }
            shards.add(digest(p.getString(), source, "shard " + shards.size() + where(p)));
          }
        }
        default -> throw error(p, source, "unknown field '" + field + "' in a files entry");
      }
    }
    if (path == null) {
      throw error(p, source, "a files entry lacks 'path'");
    }
    if (hex == null && shardsAt == null) {
      throw error(p, source, "the entry for '" + path + "' lacks 'sha256' (and 'shards')");
    }
    if (shardsAt != null && size == PinSet.UNKNOWN_SIZE) {
      throw error(p, source, "the entry for '" + path + "' has shards but no size");
    }
    // Without 'sha256' the shards are the whole pin (version 3): the file is proven range by range
    // and no whole-file digest is claimed for it.
    @org.jspecify.annotations.Nullable
    Sha256 whole =
        hex == null ? null : digest(hex, source, "the entry for '" + path + "'" + where(p));
    return new Entry(new Pin(path, size, whole, shards), shardsAt);
  }

  private static void expect(
      JsonParser p, JsonToken actual, JsonToken wanted, String source, String message)
      throws PinFileException {
    if (actual != wanted) {
      throw error(p, source, message);
    }
  }

  private static PinFileException error(JsonParser p, String source, String message) {
    return new PinFileException(source + ": " + message + where(p));
  }

  private static String where(JsonParser p) {
    return at(p.currentTokenLocation());
  }

  private static String at(TokenStreamLocation loc) {
    return loc == null || loc.getLineNr() < 0
        ? ""
        : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  // ------------------------------------------------------------------------------------ sha256sum

  private static List<Pin> parseSha256sum(byte[] content, String source) throws PinFileException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      throw new PinFileException(source + ": not UTF-8 text, and not a JSON pin file");
    }
    Dedup dedup = new Dedup(source);
    int line = 0;
    int start = 0;
    while (start < text.length()) {
      line++;
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      String l = text.substring(start, end);
      start = end + 1;
      String where = " (line " + line + ")";
      // As `sha256sum -c` reads a list: one CR before the line end is dropped (a list checked out
      // with CRLF line ends), and empty lines and '#' comments are skipped. A CR elsewhere would
      // be in a name, which no served file has.
      if (l.endsWith("\r")) {
        l = l.substring(0, l.length() - 1);
      }
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.indexOf('\r') >= 0) {
        throw new PinFileException(source + ": a CR inside a line" + where);
      }
      if (l.startsWith("\\")) {
        // sha256sum escapes names holding a backslash or newline; neither can name a served file.
        throw new PinFileException(source + ": escaped file names are not supported" + where);
      }
      String hex;
      String name;
      if (l.startsWith(TAG_START)) {
        // The tagged form of `sha256sum --tag`, `cksum -a sha256` (its default), BSD `sha256` and
        // `shasum --tag`: "SHA256 (name) = <64 hex digits>". The digest has a fixed length, so the
        // name is everything between, whatever it holds (as sha256sum -c reads it).
        int digestAt = l.length() - 64;
        if (digestAt < TAG_START.length() + 1 + TAG_END.length()
            || !l.startsWith(TAG_END, digestAt - TAG_END.length())) {
          throw new PinFileException(
              source + ": expected 'SHA256 (name) = <64 hex digits>'" + where);
        }
        hex = l.substring(digestAt);
        name = l.substring(TAG_START.length(), digestAt - TAG_END.length());
      } else {
        if (l.length() < 67
            || l.charAt(64) != ' '
            || (l.charAt(65) != ' ' && l.charAt(65) != '*')) {
          throw new PinFileException(
              source
                  + ": expected '<64 hex digits>  name', '<64 hex digits> *name' or"
                  + " 'SHA256 (name) = <64 hex digits>'"
                  + where);
        }
        hex = l.substring(0, 64);
        name = l.substring(66);
      }
      if (name.startsWith("./")) {
        // `sha256sum ./x` and `find . -type f -exec sha256sum {} +` print "./x", and `sha256sum -c`
        // opens the same file as "x": the name the loader serves. One leading "./" only; any other
        // '.' segment stays and is PIN_NAME_INVALID.
        name = name.substring(2);
      }
      if (name.length() > MAX_PATH_CHARS) {
        throw new PinFileException(
            source + ": path longer than " + MAX_PATH_CHARS + " characters" + where);
      }
      dedup.add(new Pin(name, PinSet.UNKNOWN_SIZE, digest(hex, source, "line " + line)), where);
    }
    return dedup.pins;
  }

  /** How a tagged line starts and what ends its name. */
  private static final String TAG_START = "SHA256 (";

  private static final String TAG_END = ") = ";

  private static Sha256 digest(String hex, String source, String where) throws PinFileException {
    try {
      return Sha256.ofHex(hex);
    } catch (IllegalArgumentException e) {
      throw new PinFileException(source + ": " + where + ": sha256 must be exactly 64 hex digits");
    }
  }

  /** Collects pins, refusing a path seen before, also when it differs only in case. */
  private static final class Dedup {
    final String source;
    final List<Pin> pins = new ArrayList<>();
    final Map<String, String> folded = new HashMap<>();

    Dedup(String source) {
      this.source = source;
    }

    void add(Pin pin, String where) throws PinFileException {
      if (pins.size() >= MAX_PINS) {
        throw new PinFileException(source + ": more than " + MAX_PINS + " pins" + where);
      }
      String earlier = folded.putIfAbsent(PinNames.foldCase(pin.path()), pin.path());
      if (earlier != null) {
        throw new PinFileException(
            source
                + ": "
                + (earlier.equals(pin.path())
                    ? "'" + pin.path() + "' is pinned twice"
                    : "'" + earlier + "' and '" + pin.path() + "' differ only in case")
                + where);
      }
      pins.add(pin);
    }
  }

  // -------------------------------------------------------------------------------------- writing

  /** Writes pins as a JSON pin file (version 1), one entry per line group, in the given order. */
  public static void writeJson(List<Pin> pins, OutputStream out) throws IOException {
    writeJson(new Content(pins, List.of(), List.of()), out);
  }

  /**
   * Writes a JSON pin file: version 1 when there are no patterns (readable by every reader), else
   * version 2 with the {@code ignore} and {@code opaque} lists before the files, where a reader
   * sees them first.
   */
  public static void writeJson(Content content, OutputStream out) throws IOException {
    List<Pin> pins = content.pins();
    boolean patterns = !content.ignore().isEmpty() || !content.opaque().isEmpty();
    boolean shards =
        content.shardSize() > 0
            && pins.stream().anyMatch(pin -> !pin.shards().isEmpty() || pin.sha256() == null);
    ObjectWriteContext pretty =
        new ObjectWriteContext.Base() {
          @Override
          public PrettyPrinter getPrettyPrinter() {
            return new DefaultPrettyPrinter();
          }

          @Override
          public boolean hasPrettyPrinter() {
            return true;
          }
        };
    try (JsonGenerator g = JSON.createGenerator(pretty, out)) {
      g.writeStartObject();
      g.writeNumberProperty("version", shards ? 3 : patterns ? 2 : 1);
      if (shards) {
        g.writeNumberProperty("shard_size", content.shardSize());
      }
      if (patterns) {
        writeStrings(g, "ignore", content.ignore());
        writeStrings(g, "opaque", content.opaque());
      }
      g.writeName("files");
      g.writeStartArray();
      for (Pin pin : pins) {
        g.writeStartObject();
        g.writeStringProperty("path", pin.path());
        if (pin.hasSize()) {
          g.writeNumberProperty("size", pin.size());
        }
        @org.jspecify.annotations.Nullable Sha256 whole = pin.sha256();
        if (whole != null) {
          g.writeStringProperty("sha256", whole.hex());
        }
        if (shards && (!pin.shards().isEmpty() || whole == null)) {
          g.writeName("shards");
          g.writeStartArray();
          for (Sha256 s : pin.shards()) {
            g.writeString(s.hex());
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
      g.flush();
    } catch (JacksonException e) {
      throw new IOException("cannot write pins: " + e.getOriginalMessage(), e);
    }
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values) {
    g.writeName(name);
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
