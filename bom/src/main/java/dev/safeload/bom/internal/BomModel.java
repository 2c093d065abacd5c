package dev.safeload.bom.internal;

import dev.safeload.DeclaredLicense;
import dev.safeload.Finding;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One model as the BOM describes it, taken from a scan or a load: the writers' only input, so that
 * both sources and both formats are written from the same facts.
 *
 * @param name the model's name: the last component of the path it was read from
 * @param source where it was loaded or scanned from: the path as safeload opened it
 * @param files its files in name order
 * @param modelFindings findings about the model as a whole
 * @param proofs every proof the verifiers made, as the loader kept them
 */
public record BomModel(
    String name,
    String source,
    List<BomFile> files,
    List<Finding> modelFindings,
    List<Proof> proofs) {
  public BomModel {
    files = List.copyOf(files);
    modelFindings = List.copyOf(modelFindings);
    proofs = List.copyOf(proofs);
  }

  /** Whether the model and every file were accepted. */
  public boolean accepted() {
    return modelFindings.isEmpty() && files.stream().allMatch(f -> f.findings().isEmpty());
  }

  /**
   * One file of a model.
   *
   * @param name relative to the model root, {@code /}-separated
   * @param size bytes read, or {@code -1} if unreadable
   * @param format the detected handler id, or {@code null}
   * @param sha256 the digest of the bytes read, or {@code null} if unreadable
   * @param findings every finding about the file
   * @param metadata what the file declares about itself (empty when the source was a scan)
   * @param proofs the proofs that cover it, in verifier order
   * @param licenses the licences it declares (claims), with where each was read
   */
  public record BomFile(
      String name,
      long size,
      @Nullable String format,
      @Nullable Sha256 sha256,
      List<Finding> findings,
      Map<String, String> metadata,
      List<Proof> proofs,
      List<DeclaredLicense> licenses,
      Map<Long, List<Sha256>> shards) {
    public BomFile {
      shards = Map.copyOf(shards);
      findings = List.copyOf(findings);
      metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
      proofs = List.copyOf(proofs);
      licenses = List.copyOf(licenses);
    }

    /** Whether the file was read (and hashed, whole or in shards). */
    public boolean read() {
      return size >= 0;
    }

    /**
     * One line per shard the pass hashed, {@code "<start>-<end> <sha256 hex>"} for the byte range
     * {@code [start, end)}, by shard size then offset. For a file hashed in shards only (no
     * whole-file digest), these are its only digests.
     */
    public List<String> shardLines() {
      List<String> out = new java.util.ArrayList<>();
      new java.util.TreeMap<>(shards)
          .forEach(
              (s, ds) -> {
                for (int i = 0; i < ds.size(); i++) {
                  long start = i * s;
                  out.add(start + "-" + Math.min(size, start + s) + " " + ds.get(i).hex());
                }
              });
      return out;
    }

    /**
     * The identities of whoever signed or attested it, from its proofs, in order and without
     * duplicates.
     */
    public List<String> signers() {
      java.util.Set<String> out = new java.util.LinkedHashSet<>();
      for (Proof p : proofs) {
        if (p.signer() != null) {
          out.add(p.signer().identity());
        }
      }
      return List.copyOf(out);
    }
  }
}
