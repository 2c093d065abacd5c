package dev.safeload.bom;

import dev.safeload.bom.internal.CycloneDxReader;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A CycloneDX JSON BOM (spec 1.2 to 1.7) as far as incident response needs it: its serial number
 * and every component with its SHA-256 hashes, to answer "which of our BOMs name the file with
 * digest X?".
 *
 * <pre>{@code
 * for (Path p : boms) {
 *   for (CycloneDxBom.Component c : CycloneDxBom.read(p).withSha256(revoked)) {
 *     System.out.println(p + ": " + String.join(" / ", c.path()));
 *   }
 * }
 * }</pre>
 *
 * <p>Reading is strict and bounded: the document must be strict JSON (no duplicate keys, nothing
 * after the top-level object) of at most {@value #MAX_BYTES} bytes, nested at most 64 deep, with at
 * most 200,000 components; {@code bomFormat} must be {@code CycloneDX}; components need a string
 * {@code type} and {@code name}; a {@code SHA-256} hash must be 64 hex digits. Anything else is a
 * {@link BomFormatException}, never a partial answer: a BOM we cannot read might name the digest.
 * Fields the query does not use are checked for JSON well-formedness only.
 */
public final class CycloneDxBom {
  /** Largest BOM read. */
  public static final int MAX_BYTES = CycloneDxReader.MAX_BYTES;

  private final String specVersion;
  private final @Nullable String serialNumber;
  private final List<Component> components;

  /** Called by the reader only. */
  private CycloneDxBom(
      String specVersion, @Nullable String serialNumber, List<Component> components) {
    this.specVersion = specVersion;
    this.serialNumber = serialNumber;
    this.components = List.copyOf(components);
  }

  /**
   * One component: a top-level one, one nested in another's {@code components}, or {@code
   * metadata.component}. Pedigree ancestors are not included: they describe where a model came
   * from, not what was loaded.
   *
   * @param type the CycloneDX component type, e.g. {@code machine-learning-model} or {@code file}
   * @param name its name
   * @param bomRef its {@code bom-ref}, if any
   * @param path the names from the outermost enclosing component down to this one
   * @param sha256 its {@code SHA-256} hashes, and those of its {@code externalReferences} (the file
   *     at a distribution URL, say)
   * @param signers who signed or attested it, read from its {@code safeload:proof:ID:signer*}
   *     properties
   * @param loadedFrom where the model holding it was loaded from ({@code safeload:source} of the
   *     component or its nearest enclosing one), if recorded
   */
  // JSpecify is a compile-time dependency (requires static), as in every safeload module.
  @SuppressWarnings("exports")
  public record Component(
      String type,
      String name,
      @Nullable String bomRef,
      List<String> path,
      List<Sha256> sha256,
      List<Signer> signers,
      @Nullable String loadedFrom) {
    public Component {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      path = List.copyOf(path);
      sha256 = List.copyOf(sha256);
      signers = List.copyOf(signers);
    }

    /** A component with no signers and no recorded source. */
    public Component(
        String type, String name, @Nullable String bomRef, List<String> path, List<Sha256> sha256) {
      this(type, name, bomRef, path, sha256, List.of(), null);
    }
  }

  /**
   * Parses a BOM.
   *
   * @throws BomFormatException if it is not a CycloneDX JSON BOM within the limits
   */
  public static CycloneDxBom parse(byte[] json) throws BomFormatException {
    CycloneDxReader.Result r = CycloneDxReader.read(json);
    return new CycloneDxBom(r.specVersion(), r.serialNumber(), r.components());
  }

  /**
   * Reads and parses a BOM file, reading at most {@value #MAX_BYTES} + 1 bytes.
   *
   * @throws IOException if the file cannot be read
   * @throws BomFormatException if it is larger than {@value #MAX_BYTES} bytes or not a BOM
   */
  public static CycloneDxBom read(Path file) throws IOException, BomFormatException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes =
          in.readNBytes(
              MAX_BYTES + 1); // bounded whatever the file claims to be (a FIFO, /dev/zero)
    }
    if (bytes.length > MAX_BYTES) {
      throw new BomFormatException("larger than " + MAX_BYTES + " bytes");
    }
    return parse(bytes);
  }

  /** The {@code specVersion}, e.g. {@code 1.6}. */
  public String specVersion() {
    return specVersion;
  }

  /** The {@code serialNumber}, if the BOM has one. */
  public Optional<String> serialNumber() {
    return Optional.ofNullable(serialNumber);
  }

  /** Every component in document order, enclosing components before the ones they contain. */
  public List<Component> components() {
    return components;
  }

  /** The components that carry this SHA-256 hash, in document order. */
  public List<Component> withSha256(Sha256 digest) {
    Objects.requireNonNull(digest, "digest");
    return components.stream().filter(c -> c.sha256().contains(digest)).toList();
  }
}
