package dev.safeload.bom;

import dev.safeload.bom.internal.SpdxReader;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An SPDX 3.0.1 JSON-LD document as far as incident response needs it: its packages (software, AI,
 * dataset) and files with their SHA-256 hashes, placed by {@code contains} relationships, to answer
 * "which of our BOMs name the file with digest X?" as {@link CycloneDxBom} does for CycloneDX. SPDX
 * documents written by {@link AiBom#writeSpdxTo} also carry the signers and the path each model was
 * loaded from.
 *
 * <p>Reading is strict and bounded (see the reader's rules: strict JSON without duplicate keys, at
 * most {@value #MAX_BYTES} bytes, the 3.0.1 {@code @context}, each {@code spdxId} once, SHA-256
 * values of 64 hex digits, no {@code contains} cycle); anything else is a {@link
 * BomFormatException}. Only the JSON structure of fields the query does not use is checked: this is
 * not an SPDX validator.
 */
public final class SpdxBom {
  /** Largest document read. */
  public static final int MAX_BYTES = SpdxReader.MAX_BYTES;

  private final List<Element> elements;

  private SpdxBom(List<Element> elements) {
    this.elements = List.copyOf(elements);
  }

  /**
   * A package or file of the document.
   *
   * @param type the SPDX type as serialised: {@code ai_AIPackage}, {@code dataset_DatasetPackage},
   *     {@code software_Package}, {@code software_File} or {@code software_Snippet}
   * @param name its {@code name}, or its {@code spdxId} if it has none
   * @param spdxId its IRI
   * @param path names from the outermost containing package down to this element
   * @param sha256 its {@code sha256} hashes ({@code verifiedUsing})
   * @param signers who signed or attested it, read from its {@code safeload:proof:ID:signer*}
   *     annotations
   * @param loadedFrom where the model holding it was loaded from ({@code safeload:source=} on it or
   *     a containing package), if recorded
   */
  @SuppressWarnings("exports")
  public record Element(
      String type,
      String name,
      String spdxId,
      List<String> path,
      List<Sha256> sha256,
      List<Signer> signers,
      @Nullable String loadedFrom) {
    public Element {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(spdxId, "spdxId");
      path = List.copyOf(path);
      sha256 = List.copyOf(sha256);
      signers = List.copyOf(signers);
    }
  }

  /**
   * Parses a document.
   *
   * @throws BomFormatException if it is not an SPDX 3.0.1 JSON-LD document within the limits
   */
  public static SpdxBom parse(byte[] json) throws BomFormatException {
    return new SpdxBom(SpdxReader.read(json).elements());
  }

  /**
   * Reads and parses a document file, reading at most {@value #MAX_BYTES} + 1 bytes.
   *
   * @throws IOException if the file cannot be read
   * @throws BomFormatException if it is larger than {@value #MAX_BYTES} bytes or not a document
   */
  public static SpdxBom read(Path file) throws IOException, BomFormatException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new BomFormatException("larger than " + MAX_BYTES + " bytes");
    }
    return parse(bytes);
  }

  /** Every package and file in document order. */
  public List<Element> elements() {
    return elements;
  }

  /** The elements that carry this SHA-256 hash, in document order. */
  public List<Element> withSha256(Sha256 digest) {
    Objects.requireNonNull(digest, "digest");
    return elements.stream().filter(e -> e.sha256().contains(digest)).toList();
  }
}
