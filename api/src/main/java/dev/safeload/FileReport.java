package dev.safeload;

import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SafeModelLoader#scan} found about one file.
 *
 * @param name the file's name relative to the model root
 * @param size bytes read, or {@code -1} if the file could not be read
 * @param format the detected format's handler id, or {@code null} if none was detected
 * @param sha256 the digest of the bytes read, or {@code null} if the file could not be read
 * @param findings every finding about this file; empty means accepted
 * @param licenses the licences the file declares about itself (claims; empty if it declares none or
 *     was not accepted)
 * @param proofs the proofs that cover this file (each also in {@link ScanReport#proofs()}); a file
 *     can be proven and still rejected, when its bytes are the pinned ones but fail validation
 */
public record FileReport(
    String name,
    long size,
    @Nullable String format,
    @Nullable Sha256 sha256,
    List<Finding> findings,
    List<DeclaredLicense> licenses,
    List<Proof> proofs) {

  public FileReport {
    Objects.requireNonNull(name, "name");
    findings = List.copyOf(findings);
    licenses = List.copyOf(licenses);
    proofs = List.copyOf(proofs);
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
