package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One file after it was read, hashed and judged: the immutable value that the later stages
 * (cross-file checks, proofs, delivery) pass on, each returning a new one when it adds a finding or
 * a claim.
 *
 * @param data the bytes read and hashed, or null if the read failed
 * @param sha256 their digest, or null if the read failed or only their shards were hashed (no
 *     verifier needed the whole-file digest: {@link
 *     dev.safeload.provenance.ProvenanceVerifier#needsSha256})
 * @param shards digests of their shards, per shard size a verifier declared (empty if none)
 * @param privateCopy the private file holding them, for {@code PRIVATE_FILE} delivery
 * @param handler the handler whose format the file is, if any
 * @param format the format id, "" if none
 * @param desc the handler's description if the file was accepted
 * @param unclaimed no handler recognised it and its name says nothing: referenced data, or unknown
 * @param judged the view later stages judge {@code data} through while the run still holds its file
 *     open ({@link StreamedBytes}: streams by {@code read()}), or null to judge {@code data}
 */
record CheckedFile(
    SourceFile source,
    @Nullable ChunkedBytes data,
    @Nullable Sha256 sha256,
    java.util.Map<Long, List<Sha256>> shards,
    @Nullable Path privateCopy,
    @Nullable FormatHandler handler,
    String format,
    @Nullable ModelDescription desc,
    List<Finding> findings,
    boolean unclaimed,
    @Nullable StreamedBytes judged)
    implements ModelView.ValidatedFile {

  CheckedFile {
    findings = List.copyOf(findings);
  }

  /** A file that was not read, for this reason. */
  static CheckedFile unread(SourceFile source, Finding reason) {
    return new CheckedFile(
        source, null, null, java.util.Map.of(), null, null, "", null, List.of(reason), false, null);
  }

  @Override
  public String name() {
    return source.name();
  }

  boolean accepted() {
    return findings.isEmpty() && desc != null && data != null;
  }

  boolean read() {
    return data != null;
  }

  @Override
  public ModelDescription description() {
    if (desc == null) {
      throw new IllegalStateException("not validated: " + name());
    }
    return desc;
  }

  /** The bytes of a file that was {@link #read()}; asking for them otherwise is a defect. */
  ChunkedBytes readData() {
    if (data == null) {
      throw new IllegalStateException("not read: " + name());
    }
    return data;
  }

  @Override
  public ModelBytes bytes() {
    if (data == null) {
      throw new IllegalStateException("not read: " + name());
    }
    return judged != null ? judged : data;
  }

  /**
   * Releases the file the {@linkplain #judged judging view} reads, when no stage will judge it
   * again; this file without the view.
   */
  CheckedFile released() throws java.io.IOException {
    if (judged == null) {
      return this;
    }
    judged.close();
    return new CheckedFile(
        source,
        data,
        sha256,
        shards,
        privateCopy,
        handler,
        format,
        desc,
        findings,
        unclaimed,
        null);
  }

  /** This file with more findings; a rejected file has no description. */
  CheckedFile with(List<Finding> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Finding> all = new ArrayList<>(findings);
    all.addAll(more);
    return new CheckedFile(
        source, data, sha256, shards, privateCopy, handler, format, desc, all, unclaimed, judged);
  }

  /**
   * This file, claimed by {@code handler} as data another file references: what its content seemed
   * to be (and failed to validate as) no longer speaks for it.
   */
  CheckedFile claimedAs(FormatHandler handler, ModelDescription d) {
    return new CheckedFile(
        source,
        data,
        sha256,
        shards,
        privateCopy,
        handler,
        d.format(),
        d,
        List.of(),
        false,
        judged);
  }

  /** This file, no longer waiting for a reference: its findings are final. */
  CheckedFile unclaim() {
    return new CheckedFile(
        source, data, sha256, shards, privateCopy, handler, format, desc, findings, false, judged);
  }

  /** This file, read but judged for {@code reason} alone (its bytes may not be the file's). */
  CheckedFile discarded(Finding reason) {
    return new CheckedFile(
        source, data, sha256, shards, privateCopy, null, "", null, List.of(reason), false, judged);
  }
}
