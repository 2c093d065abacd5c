package dev.safeload.spark;

import dev.safeload.PolicyFile;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RegistryScan} judges each model: the policy, the pins and the revocation feed the
 * loader in every Spark task applies, and what goes into the BOMs. Immutable; the defaults are the
 * secure ones ({@link dev.safeload.LoadPolicy#strict()}, no proofs, no feed).
 *
 * <p>Files named here are read on the driver, once, when the option is set: they are checked there
 * (a malformed policy, pin file or feed stops the job before it starts) and their bytes travel to
 * the executors with the task, so executors need no access to the driver's disk.
 */
public final class ScanOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest policy, pin or feed file read. */
  static final int MAX_FILE_BYTES = 64 << 20;

  /** A file's name (for messages and proofs) and its bytes. */
  record NamedBytes(String name, byte[] bytes) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final @Nullable NamedBytes policy;
  private final @Nullable NamedBytes pins;
  private final @Nullable NamedBytes revocations;
  private final @Nullable Instant bomTimestamp;
  private final boolean readThroughFileSystem;
  // Test hooks (package-private): fault injection by model URI suffix.
  final @Nullable String failScanOf;
  final @Nullable String failFirstAttemptOf;
  private final String loaderKey;

  private ScanOptions(Builder b) {
    this.policy = b.policy;
    this.pins = b.pins;
    this.revocations = b.revocations;
    this.bomTimestamp = b.bomTimestamp;
    this.readThroughFileSystem = b.readThroughFileSystem;
    this.failScanOf = b.failScanOf;
    this.failFirstAttemptOf = b.failFirstAttemptOf;
    this.loaderKey = loaderKey(policy, pins, revocations);
  }

  /** What the loader is built from, as a digest: equal options share one loader per executor. */
  String loaderKey() {
    return loaderKey;
  }

  private static String loaderKey(@Nullable NamedBytes... files) {
    MessageDigest md = Sha256.newMessageDigest();
    for (NamedBytes f : files) {
      if (f == null) {
        md.update((byte) 0);
      } else {
        md.update((byte) 1);
        md.update(f.name().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Sha256.hash(f.bytes()).toByteArray());
      }
    }
    return Sha256.of(md.digest()).hex();
  }

  /** The defaults: strict policy, no pins, no revocation feed. */
  public static ScanOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy file's name and bytes, or null for {@link dev.safeload.LoadPolicy#strict()}. */
  @Nullable NamedBytes policy() {
    return policy;
  }

  @Nullable NamedBytes pins() {
    return pins;
  }

  @Nullable NamedBytes revocations() {
    return revocations;
  }

  /** The BOMs' timestamp, or null for "when the scan starts". */
  public @Nullable Instant bomTimestamp() {
    return bomTimestamp;
  }

  /** Whether {@code file://} models are read through Hadoop streams too (see the builder). */
  public boolean readThroughFileSystem() {
    return readThroughFileSystem;
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.policy = policy;
    b.pins = pins;
    b.revocations = revocations;
    b.bomTimestamp = bomTimestamp;
    b.readThroughFileSystem = readThroughFileSystem;
    b.failScanOf = failScanOf;
    b.failFirstAttemptOf = failFirstAttemptOf;
    return b;
  }

  /** Builds {@link ScanOptions}. Not thread-safe. */
  public static final class Builder {
    private @Nullable NamedBytes policy;
    private @Nullable NamedBytes pins;
    private @Nullable NamedBytes revocations;
    private @Nullable Instant bomTimestamp;
    private boolean readThroughFileSystem;
    private @Nullable String failScanOf;
    private @Nullable String failFirstAttemptOf;

    private Builder() {}

    /**
     * A policy file ({@code safeload.json}, {@link PolicyFile}) on the driver: its patterns,
     * formats, limits and profiles apply to every model. Its {@code trust.pins} and {@code
     * trust.revocations} are used as if given to {@link #pins} and {@link #revocations}. A policy
     * whose trust section names signature material (keys, certificates, a trusted root, an
     * identity) is refused: the registry scan does not verify signatures yet, and silently skipping
     * a check the policy asks for would report less than the policy means.
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the policy, pin file or feed is invalid or unsupported
     */
    public Builder policyFile(Path file) throws IOException {
      PolicyFile parsed = PolicyFile.read(file);
      PolicyFile.Trust t = parsed.trust();
      List<String> unsupported = new ArrayList<>();
      if (t.publicKey() != null) {
        unsupported.add("publicKey");
      }
      if (t.certificateChain() != null) {
        unsupported.add("certificateChain");
      }
      if (t.trustedRoot() != null) {
        unsupported.add("trustedRoot");
      }
      if (t.identity() != null) {
        unsupported.add("identity");
      }
      if (t.issuer() != null) {
        unsupported.add("issuer");
      }
      if (t.signature() != null) {
        unsupported.add("signature");
      }
      if (!unsupported.isEmpty()) {
        throw new IllegalArgumentException(
            file + ": trust." + unsupported + ": the registry scan does not verify signatures");
      }
      this.policy = read(file);
      Path pinFile = t.pins();
      if (pinFile != null) {
        pins(pinFile);
      }
      Path feed = t.revocations();
      if (feed != null) {
        revocations(feed);
      }
      return this;
    }

    /**
     * A pin file ({@link PinSet}) on the driver, given to the loader of every model as a verifier:
     * files it pins get a proof (or a finding when their bytes differ).
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a valid pin file
     */
    public Builder pins(Path file) throws IOException {
      NamedBytes b = read(file);
      try {
        PinSet.parse(b.bytes(), b.name());
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
      this.pins = b;
      return this;
    }

    /**
     * A revocation feed ({@link RevocationList}, the format {@code safeload verify --revocations}
     * and {@code safeload bom find --revoked} read) on the driver: a file with a revoked digest is
     * rejected with {@code REVOKED_DIGEST}.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a valid feed
     */
    public Builder revocations(Path file) throws IOException {
      NamedBytes b = read(file);
      try {
        RevocationList.parse(b.bytes());
      } catch (SignatureVerificationException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
      this.revocations = b;
      return this;
    }

    /**
     * The {@code metadata.timestamp} of every BOM (and the seed of their serial numbers). Default:
     * the moment the scan starts on the driver, so that a task Spark retries writes the same bytes
     * as its first attempt. Fix it to make a rerun over unchanged models write identical BOMs.
     */
    public Builder bomTimestamp(Instant timestamp) {
      this.bomTimestamp = Objects.requireNonNull(timestamp, "timestamp");
      return this;
    }

    /**
     * Read {@code file://} models through Hadoop {@code FileSystem} streams, as {@code hdfs://} and
     * {@code s3a://} models always are, instead of handing the local path to the loader. Off by
     * default: a local path lets the loader check links and hard links itself.
     */
    public Builder readThroughFileSystem(boolean through) {
      this.readThroughFileSystem = through;
      return this;
    }

    /** Test hook: the scan of a model whose URI ends with this throws inside the task. */
    Builder failScanOf(String uriSuffix) {
      this.failScanOf = uriSuffix;
      return this;
    }

    /** Test hook: the first attempt of the task of this model dies (Spark retries it). */
    Builder failFirstAttemptOf(String uriSuffix) {
      this.failFirstAttemptOf = uriSuffix;
      return this;
    }

    public ScanOptions build() {
      return new ScanOptions(this);
    }

    private static NamedBytes read(Path file) throws IOException {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
      }
      Path name = file.getFileName();
      return new NamedBytes(
          name == null ? file.toString() : name.toString(), Files.readAllBytes(file));
    }
  }
}
