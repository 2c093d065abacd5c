package dev.safeload.verify;

import dev.safeload.FileGlob;
import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Technique;
import dev.safeload.verify.internal.pins.PinFiles;
import dev.safeload.verify.internal.pins.PinNames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Expected SHA-256 digests (and sizes) of a model's files: the simplest proof of where bytes came
 * from. Immutable and thread-safe; give it to {@code SafeModelLoader.Builder#verifier}.
 *
 * <pre>{@code
 * SafeModelLoader loader = SafeModelLoader.builder()
 *     .verifier(PinSet.load(Path.of("models.pins.json")))
 *     .build();
 * }</pre>
 *
 * <h2>Pin files</h2>
 *
 * {@link #load} reads either format, told apart by content (a file whose first non-blank character
 * is <code>{</code> is JSON):
 *
 * <ul>
 *   <li><b>JSON</b> ({@code *.pins.json}), written by {@link #writeJson} and {@code safeload pin}:
 *       <pre>{@code
 * {"version": 1,
 *  "files": [{"path": "model.safetensors", "size": 123, "sha256": "<64 hex digits>"}]}
 *
 * }</pre>
 *       {@code version} (1 or 2) and {@code files} are required; each entry needs {@code path} and
 *       {@code sha256}; {@code size} is optional. Version 2 adds two optional lists of file
 *       patterns ({@link dev.safeload.FileGlob} syntax, gitignore meaning), recorded by {@code
 *       safeload pin --ignore --opaque} so that whoever verifies sees the same model the pinner
 *       saw:
 *       <pre>{@code
 * {"version": 2, "ignore": ["*.md", ".gitattributes"], "opaque": ["LICENSE"],
 *  "files": [...]}
 *
 * }</pre>
 *       {@code ignore} lists files left out of the model (neither read nor served), {@code opaque}
 *       files no handler judges that are still hashed, pinned and served (see {@link
 *       #ignoredFiles()}, {@link #opaqueFiles()}). Version 3 adds shard digests, written by {@code
 *       safeload pin --shard-size}: a top-level {@code shard_size} (at least {@link
 *       DigestedFile#MIN_SHARD_SIZE} bytes) and, in any entry that also has a {@code size}, {@code
 *       shards}: the SHA-256 of the file's consecutive ranges of {@code shard_size} bytes, the last
 *       one shorter, exactly as many as the size needs (none for an empty file). They stand beside
 *       the whole-file {@code sha256}, or instead of it (written by {@code safeload pin
 *       --shard-size SIZE --shards-only}): an entry with {@code shards} and no {@code sha256} is
 *       proven range by range, the loader skips the whole-file digest of that file and hashes its
 *       shards in parallel, and reports and BOMs show the shard digests with no whole-file digest:
 *       <pre>{@code
 * {"version": 3, "shard_size": 1073741824,
 *  "files": [{"path": "model.safetensors", "size": 2147483656, "sha256": "...",
 *             "shards": ["<64 hex>", "<64 hex>", "<64 hex>"]}]}
 *
 * }</pre>
 *       {@link #writeJson} writes the lowest version that holds what the set records, so files
 *       without shards or patterns stay readable by older readers. Unknown fields, duplicate keys,
 *       duplicate paths (also when they differ only in case), digests that are not 64 hex digits,
 *       negative or fractional sizes, invalid or repeated patterns, pattern lists in a version 1
 *       file and trailing content all fail the load.
 *   <li><b>{@code sha256sum} output</b>: lines {@code <64 hex> name} (text mode) or {@code <64 hex>
 *       *name} (binary mode), or tagged {@code SHA256 (name) = <64 hex>} ({@code sha256sum --tag},
 *       {@code cksum -a sha256}, BSD {@code sha256}, {@code shasum --tag}). This format has no
 *       sizes, so only digests are pinned. As {@code sha256sum -c} reads it, a CR before a line end
 *       is dropped and empty lines and {@code #} comments are skipped. Escaped names (lines
 *       starting with a backslash) and a CR inside a line are refused. A leading {@code ./}, as
 *       {@code find . -exec sha256sum} prints names, is dropped ({@code sha256sum -c} opens the
 *       same file).
 * </ul>
 *
 * Paths are relative to the model directory with {@code /} separators, exactly as the loader names
 * the files it serves. A path that is absolute, climbs out with {@code ..}, holds a backslash or an
 * empty or {@code .} segment can never match a served file; it is reported as {@link
 * VerifyReason#PIN_NAME_INVALID} when a model is verified, which rejects the model.
 *
 * <h2>Verdicts</h2>
 *
 * For every served file: no pin ⇒ {@link VerifyReason#PIN_FILE_NOT_PINNED}; size differs ⇒ {@link
 * VerifyReason#PIN_SIZE_MISMATCH}; a pinned shard differs ⇒ {@link
 * VerifyReason#PIN_SHARD_MISMATCH}, naming the first range that differs (the shard digests come
 * from the loader's single pass, which hashes the shard size this set declares in {@link
 * #shardSizes()}); the whole-file digest differs ⇒ {@link VerifyReason#PIN_DIGEST_MISMATCH}. For a
 * model directory, every pinned path must be served, else {@link VerifyReason#PIN_FILE_MISSING};
 * for a single-file model only that file's pin is required. A pinned file that another verifier
 * reads as a side file (a signature bundle) is not served, but must still match its pin. A pinned
 * file that is present but left out by an ignore pattern (the policy's or a proof's) is not
 * missing: it is reported as ignored, never served, and needs no digest. A pinned file that is
 * present but not served because the loader refused it (it could not be read: {@link
 * Reason#IO_ERROR}; its name says code) is left to that file's own finding.
 */
public final class PinSet implements ProvenanceVerifier {

  /** Size value of a pin that pins only the digest ({@code sha256sum} files carry no sizes). */
  public static final long UNKNOWN_SIZE = -1;

  /**
   * One pinned file.
   *
   * @param path the file's path relative to the model root, {@code /}-separated
   * @param size its size in bytes, or {@link #UNKNOWN_SIZE}
   * @param sha256 its SHA-256 digest, or null if only its shards are pinned
   * @param shards the SHA-256 of its consecutive ranges of the set's shard size, in order; empty if
   *     only the whole file is pinned (or the file is empty)
   */
  public record Pin(
      String path,
      long size,
      @org.jspecify.annotations.Nullable Sha256 sha256,
      List<Sha256> shards) {
    public Pin {
      Objects.requireNonNull(path, "path");
      shards = List.copyOf(shards);
      if (size < UNKNOWN_SIZE) {
        throw new IllegalArgumentException("size must be >= 0 (or UNKNOWN_SIZE), got " + size);
      }
      if ((!shards.isEmpty() || sha256 == null) && size == UNKNOWN_SIZE) {
        throw new IllegalArgumentException("shards of '" + path + "' need its size");
      }
    }

    /** Whether only the shards are pinned: no whole-file digest. */
    public boolean shardsOnly() {
      return sha256 == null;
    }

    /** A pin of the whole file only. */
    public Pin(String path, long size, Sha256 sha256) {
      this(path, size, sha256, List.of());
    }

    /** Whether the pin includes a size. */
    public boolean hasSize() {
      return size != UNKNOWN_SIZE;
    }
  }

  private final Map<String, Pin> pins; // sorted by path
  private final String source;
  private final Set<String> ignore; // in recorded order
  private final Set<String> opaque;
  private final long shardSize; // 0: no shards pinned

  private PinSet(
      Map<String, Pin> pins,
      String source,
      Set<String> ignore,
      Set<String> opaque,
      long shardSize) {
    this.pins = pins;
    this.source = source;
    this.ignore = ignore;
    this.opaque = opaque;
    this.shardSize = shardSize;
  }

  /**
   * Reads a pin file (JSON or {@code sha256sum} output; see the class documentation).
   *
   * @throws PinFileException if the file is malformed or ambiguous
   * @throws IOException if it cannot be read
   */
  public static PinSet load(Path file) throws IOException {
    Path name = file.getFileName();
    return of(PinFiles.read(file), name == null ? file.toString() : name.toString());
  }

  private static PinSet of(PinFiles.Content content, String source) {
    Builder b = builder().source(source);
    content.pins().forEach(b::pin);
    b.ignoreFiles(content.ignore().toArray(String[]::new));
    b.opaqueFiles(content.opaque().toArray(String[]::new));
    if (content.shardSize() > 0) {
      b.shardSize(content.shardSize());
    }
    return b.build();
  }

  /**
   * Parses pin-file content held in memory.
   *
   * @param source a name for claims and messages, such as the file name
   * @throws PinFileException if the content is malformed or ambiguous
   */
  public static PinSet parse(byte[] content, String source) throws PinFileException {
    return of(PinFiles.parse(content, source), source);
  }

  /** A pin set from pins built in code; see {@link #builder()} for a fluent form. */
  public static PinSet of(Pin... pins) {
    return of(List.of(pins), "code");
  }

  /**
   * A pin set from pins built in code.
   *
   * @param source a name for claims, such as where the digests came from
   * @throws IllegalArgumentException if two pins name the same path (also ignoring case)
   */
  public static PinSet of(Collection<Pin> pins, String source) {
    Builder b = builder().source(source);
    pins.forEach(b::pin);
    return b.build();
  }

  /** A builder for pins known in code. */
  public static Builder builder() {
    return new Builder();
  }

  /** The pins, sorted by path. */
  public List<Pin> pins() {
    return List.copyOf(pins.values());
  }

  /** The pin for this path, if any. */
  public Optional<Pin> pin(String path) {
    return Optional.ofNullable(pins.get(path));
  }

  /** Where the pins came from, for claims: the pin file's name, or what the builder was told. */
  public String source() {
    return source;
  }

  /**
   * Writes the pins as a JSON pin file (UTF-8, sorted by path), the format {@link #load} reads
   * back. The stream is flushed, not closed.
   */
  public void writeJson(OutputStream out) throws IOException {
    PinFiles.writeJson(
        new PinFiles.Content(pins(), List.copyOf(ignore), List.copyOf(opaque), shardSize), out);
  }

  /** The shard size of the pinned shards, or 0 if only whole files are pinned. */
  public long shardSize() {
    return shardSize;
  }

  /**
   * The shard size of the pinned shards, if any: the loader hashes it in its single pass, so
   * checking shards reads no byte twice.
   */
  @Override
  public Set<Long> shardSizes() {
    return shardSize == 0 ? Set.of() : Set.of(shardSize);
  }

  /**
   * No for a file whose pin holds shard digests only: the loader then hashes its shards in parallel
   * and no whole-file digest. Yes for every other file, pinned whole or not pinned at all (whose
   * report shows the digest to pin).
   */
  @Override
  public boolean needsSha256(String name) {
    Pin p = pins.get(name);
    return p == null || !p.shardsOnly();
  }

  /**
   * The ignore patterns this pin set records ({@link dev.safeload.FileGlob} syntax), in recorded
   * order. The loader adds them to its policy's: matching files are neither read nor served.
   */
  @Override
  public Set<String> ignoredFiles() {
    return ignore;
  }

  /**
   * The opaque patterns this pin set records, in recorded order: files no handler judges that the
   * loader still hashes, proves against these pins and serves with format {@code opaque}.
   */
  @Override
  public Set<String> opaqueFiles() {
    return opaque;
  }

  @Override
  public String id() {
    return "pins";
  }

  @Override
  public ProvenanceResult verify(DigestedModel model) {
    List<Finding> findings = new ArrayList<>();
    List<DigestedFile> proven = new ArrayList<>();
    Map<String, Pin> valid = new HashMap<>();
    for (Pin p : pins.values()) {
      String problem = PinNames.problem(p.path());
      if (problem == null) {
        valid.put(p.path(), p);
      } else {
        findings.add(
            new Finding(
                VerifyReason.PIN_NAME_INVALID,
                null,
                Finding.NO_OFFSET,
                source + " pins '" + printable(p.path()) + "': " + problem));
      }
    }
    for (DigestedFile f : model.files()) {
      Pin p = valid.get(f.name());
      // Shards are compared once per file (on request they are hashed over the verified copy).
      ShardProblem bad =
          p == null || (p.hasSize() && p.size() != f.size()) ? null : shardProblem(model, f, p);
      if (p == null) {
        findings.add(
            new Finding(
                VerifyReason.PIN_FILE_NOT_PINNED,
                f.name(),
                Finding.NO_OFFSET,
                "served but not pinned by " + source));
      } else if (p.hasSize() && p.size() != f.size()) {
        // A size mismatch already proves the digest differs; the size is the clearer message.
        findings.add(
            new Finding(
                VerifyReason.PIN_SIZE_MISMATCH,
                f.name(),
                Finding.NO_OFFSET,
                f.size() + " bytes, but " + source + " pins " + p.size()));
      } else if (bad != null) {
        findings.add(
            new Finding(VerifyReason.PIN_SHARD_MISMATCH, f.name(), bad.offset(), bad.message()));
      } else if (p.sha256() != null && !p.sha256().equals(f.requireSha256())) {
        // (requireSha256: needsSha256 said yes for this file, so the loader computed it.)
        findings.add(
            new Finding(
                VerifyReason.PIN_DIGEST_MISMATCH,
                f.name(),
                Finding.NO_OFFSET,
                "sha256 "
                    + f.requireSha256().hex()
                    + ", but "
                    + source
                    + " pins "
                    + p.sha256().hex()));
      } else {
        // Whole digest equal, or (shards only) every shard equal: shardProblem refuses to leave a
        // shards-only pin unchecked.
        proven.add(f);
      }
    }
    List<String> ignoredPins = new ArrayList<>();
    if (model.isDirectory()) {
      Set<String> ignored = new HashSet<>(model.ignoredFiles());
      Set<String> refused = new HashSet<>(model.unservedFiles());
      for (Pin p : pins.values()) { // sorted, so findings come in a stable order
        if (!valid.containsKey(p.path()) || model.file(p.path()).isPresent()) {
          continue;
        }
        Optional<ByteBuffer> side = model.sideFile(p.path());
        if (side.isPresent()) {
          // Another verifier claimed this file (a signature bundle, say): it is not served, but the
          // pin still holds it to its digest.
          checkSideFile(p, side.get(), findings);
        } else if (ignored.contains(p.path())) {
          // Present but left out on purpose: it is never served, so its digest does not matter.
          ignoredPins.add(p.path());
        } else if (!refused.contains(p.path())) {
          // (A file the loader refused, e.g. unreadable, has its own finding, which names the real
          // problem.)
          findings.add(
              new Finding(
                  VerifyReason.PIN_FILE_MISSING,
                  null,
                  Finding.NO_OFFSET,
                  source + " pins '" + printable(p.path()) + "', which is absent from the model"));
        }
      }
    }
    if (proven.isEmpty()) {
      return new ProvenanceResult(List.of(), findings);
    }
    Proof.Builder proof = Proof.builder(id(), Technique.PIN).files(proven).source(source);
    if (!ignoredPins.isEmpty()) {
      proof.attribute(Proof.IGNORED_FILES, PinNames.summary(ignoredPins));
    }
    return new ProvenanceResult(List.of(proof.build()), findings);
  }

  private record ShardProblem(long offset, String message) {}

  /**
   * The first pinned shard that differs from the served bytes, or null if all agree. The digests
   * are the loader's from its single pass ({@link DigestedFile#shards(long)}); a model that cannot
   * provide them is asked for the ranges, and one that cannot provide those either leaves the
   * verdict to the whole-file digest when one is pinned; for a pin of shards only that is a defect
   * of the model handed over ({@link IllegalStateException}, reported by the loader as {@link
   * Reason#VERIFIER_ERROR}), never a pass.
   */
  private @org.jspecify.annotations.Nullable ShardProblem shardProblem(
      DigestedModel model, DigestedFile f, Pin p) {
    if (p.shards().isEmpty()) {
      return null; // nothing pinned by range (a shards-only pin of an empty file: size decides)
    }
    List<Sha256> actual = f.shards(shardSize).orElse(null);
    for (int i = 0; i < p.shards().size(); i++) {
      long start = i * shardSize;
      long end = Math.min(f.size(), start + shardSize);
      Sha256 got =
          actual != null ? actual.get(i) : model.rangeSha256(f.name(), start, end).orElse(null);
      if (got == null) {
        if (p.shardsOnly()) {
          throw new IllegalStateException(
              "the shards of "
                  + f.name()
                  + " are pinned alone, but neither they nor its ranges"
                  + " were computed");
        }
        return null;
      }
      if (!got.equals(p.shards().get(i))) {
        return new ShardProblem(
            start,
            "shard "
                + i
                + " (bytes "
                + start
                + " to "
                + end
                + ") has sha256 "
                + got.hex()
                + ", but "
                + source
                + " pins "
                + p.shards().get(i).hex());
      }
    }
    return null;
  }

  private void checkSideFile(Pin p, ByteBuffer bytes, List<Finding> findings) {
    if (p.hasSize() && p.size() != bytes.remaining()) {
      findings.add(
          new Finding(
              VerifyReason.PIN_SIZE_MISMATCH,
              p.path(),
              Finding.NO_OFFSET,
              bytes.remaining() + " bytes, but " + source + " pins " + p.size()));
      return;
    }
    Sha256 pinned = p.sha256();
    if (pinned == null) { // shards only: compare them range by range over the side file's bytes
      for (int i = 0; i < p.shards().size(); i++) {
        int start = (int) (i * shardSize);
        int end = (int) Math.min(bytes.remaining(), start + shardSize);
        MessageDigest md = Sha256.newMessageDigest();
        md.update(
            bytes.duplicate().position(bytes.position() + start).limit(bytes.position() + end));
        if (!Sha256.of(md.digest()).equals(p.shards().get(i))) {
          findings.add(
              new Finding(
                  VerifyReason.PIN_SHARD_MISMATCH,
                  p.path(),
                  start,
                  "shard " + i + " differs from the one " + source + " pins"));
          return;
        }
      }
      return;
    }
    MessageDigest md = Sha256.newMessageDigest();
    md.update(bytes);
    Sha256 actual = Sha256.of(md.digest());
    if (!pinned.equals(actual)) {
      findings.add(
          new Finding(
              VerifyReason.PIN_DIGEST_MISMATCH,
              p.path(),
              Finding.NO_OFFSET,
              "sha256 " + actual.hex() + ", but " + source + " pins " + pinned.hex()));
    }
  }

  /** Keeps hostile pin paths from writing control characters into logs. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "PinSet{"
        + source
        + ", "
        + pins.size()
        + " pins"
        + (ignore.isEmpty() ? "" : ", ignore " + ignore)
        + (opaque.isEmpty() ? "" : ", opaque " + opaque)
        + "}";
  }

  /** Builds a {@link PinSet}. */
  public static final class Builder {
    private final Map<String, Pin> pins = new TreeMap<>();
    private final Map<String, String> folded = new HashMap<>();
    private final Set<String> ignore = new LinkedHashSet<>();
    private final Set<String> opaque = new LinkedHashSet<>();
    private String source = "code";
    private long shardSize;

    private Builder() {}

    /**
     * The size of the ranges whose digests pins carry in {@link Pin#shards()}: at least {@link
     * DigestedFile#MIN_SHARD_SIZE} bytes, so that the loader computes them in its single pass.
     *
     * @throws IllegalArgumentException if the size is smaller
     */
    public Builder shardSize(long bytes) {
      if (bytes < DigestedFile.MIN_SHARD_SIZE) {
        throw new IllegalArgumentException(
            "shard size "
                + bytes
                + " is under the minimum of "
                + DigestedFile.MIN_SHARD_SIZE
                + " bytes");
      }
      this.shardSize = bytes;
      return this;
    }

    /** A name for claims and messages (default {@code code}). */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Pins a file's digest and size. */
    public Builder pin(String path, long size, Sha256 sha256) {
      return pin(new Pin(path, size, sha256));
    }

    /**
     * Pins a file's size and the digests of its shards ({@link #shardSize}) alone, with no
     * whole-file digest: the loader then hashes its shards in parallel and claims no whole-file
     * digest for it.
     */
    public Builder pinShards(String path, long size, List<Sha256> shards) {
      return pin(new Pin(path, size, null, shards));
    }

    /** Pins a file's digest, its size and the digests of its shards ({@link #shardSize}). */
    public Builder pin(String path, long size, Sha256 sha256, List<Sha256> shards) {
      return pin(new Pin(path, size, sha256, shards));
    }

    /** Pins a file's digest only. */
    public Builder pin(String path, Sha256 sha256) {
      return pin(new Pin(path, UNKNOWN_SIZE, sha256));
    }

    /**
     * Adds a pin.
     *
     * @throws IllegalArgumentException if a pin for the same path (ignoring case) was already
     *     added: on a case-insensitive file system both would name one file
     */
    public Builder pin(Pin pin) {
      String key = PinNames.foldCase(pin.path());
      String earlier = folded.putIfAbsent(key, pin.path());
      if (earlier != null) {
        throw new IllegalArgumentException(
            earlier.equals(pin.path())
                ? "duplicate pin for '" + pin.path() + "'"
                : "pins for '" + earlier + "' and '" + pin.path() + "' differ only in case");
      }
      pins.put(pin.path(), pin);
      return this;
    }

    /**
     * Records patterns of files left out of the model ({@link dev.safeload.FileGlob} syntax): the
     * loader neither reads nor serves them, and {@link #writeJson} writes them down.
     *
     * @throws IllegalArgumentException if a pattern is invalid
     */
    public Builder ignoreFiles(String... globs) {
      for (String g : globs) {
        FileGlob.of(g);
        ignore.add(g);
      }
      return this;
    }

    /**
     * Records patterns of opaque files: no handler judges them, but they are hashed, pinned and
     * served with format {@code opaque}. The loader refuses to treat names that imply a loader
     * format or code as opaque, whatever the pattern says.
     *
     * @throws IllegalArgumentException if a pattern is invalid
     */
    public Builder opaqueFiles(String... globs) {
      for (String g : globs) {
        FileGlob.of(g);
        opaque.add(g);
      }
      return this;
    }

    /**
     * Builds the set.
     *
     * @throws IllegalArgumentException if a pin has shards but no shard size was set, or not
     *     exactly as many shards as its size needs
     */
    public PinSet build() {
      for (Pin p : pins.values()) {
        if (p.shards().isEmpty() && !p.shardsOnly()) {
          continue;
        }
        if (shardSize == 0) {
          throw new IllegalArgumentException(
              "'" + p.path() + "' has shard digests but no shard size is set");
        }
        long want = DigestedFile.shardCount(p.size(), shardSize);
        if (p.shards().size() != want) {
          throw new IllegalArgumentException(
              "'"
                  + p.path()
                  + "' of "
                  + p.size()
                  + " bytes has "
                  + want
                  + " shards of "
                  + shardSize
                  + " bytes, but "
                  + p.shards().size()
                  + " are pinned");
        }
      }
      return new PinSet(
          java.util.Collections.unmodifiableMap(new TreeMap<>(pins)),
          source,
          java.util.Collections.unmodifiableSet(new LinkedHashSet<>(ignore)),
          java.util.Collections.unmodifiableSet(new LinkedHashSet<>(opaque)),
          shardSize);
    }
  }
}
