package dev.safeload;

import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SafeModelLoader#scan} found about one file.
 *
 * @param name the file's name relative to the model root
 * @param size bytes read, or {@code -1} if the file could not be read
 * @param format the detected format's handler id, or {@code null} if none was detected
 * @param sha256 the digest of the bytes read, or {@code null} if the file could not be read or only
 *     its shards were hashed (see {@code shards}; {@code size} tells the two apart)
 * @param findings every finding about this file; empty means accepted
 * @param licenses the licences the file declares about itself (claims; empty if it declares none or
 *     was not accepted)
 * @param proofs the proofs that cover this file (each also in {@link ScanReport#proofs()}); a file
 *     can be proven and still rejected, when its bytes are the pinned ones but fail validation
 * @param shards per shard size the verifiers declared, the SHA-256 of each consecutive range of the
 *     bytes read ({@code [0, s)}, {@code [s, 2s)}, ..., the last one shorter); empty if none was
 *     declared or the file could not be read
 */
public record FileReport(
    String name,
    long size,
    @Nullable String format,
    @Nullable Sha256 sha256,
    List<Finding> findings,
    List<DeclaredLicense> licenses,
    List<Proof> proofs,
    Map<Long, List<Sha256>> shards) {

  public FileReport {
    Objects.requireNonNull(name, "name");
    findings = List.copyOf(findings);
    licenses = List.copyOf(licenses);
    proofs = List.copyOf(proofs);
    Map<Long, List<Sha256>> copy = new TreeMap<>();
    shards.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    shards = Collections.unmodifiableMap(copy);
  }

  /** A report with the whole-file digest only (no shards declared). */
  public FileReport(
      String name,
      long size,
      @Nullable String format,
      @Nullable Sha256 sha256,
      List<Finding> findings,
      List<DeclaredLicense> licenses,
      List<Proof> proofs) {
    this(name, size, format, sha256, findings, licenses, proofs, Map.of());
  }

  /** Whether the file was read (and hashed, as a whole or in shards). */
  public boolean read() {
    return size >= 0;
  }

  /** A report of a file that declares no licence and that no proof covers. */
  public FileReport(
      String name,
      long size,
      @Nullable String format,
      @Nullable Sha256 sha256,
      List<Finding> findings) {
    this(name, size, format, sha256, findings, List.of(), List.of());
  }

  /** Whether the file passed every check. */
  public boolean accepted() {
    return findings.isEmpty();
  }
}
