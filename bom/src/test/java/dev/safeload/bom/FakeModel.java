package dev.safeload.bom;

import dev.safeload.Delivery;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.ModelDescription;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded model with the metadata a handler would report, for formats whose files are tedious to
 * build byte by byte (GGUF). Only the accessors a BOM reads work.
 */
record FakeModel(Path source, List<VerifiedFile> files, List<Proof> proofs)
    implements VerifiedModel {
  static final Sha256 DIGEST = Sha256.ofHex("ab".repeat(32));

  static VerifiedFile file(String name, String format, Map<String, String> metadata) {
    return file(name, format, metadata, List.of());
  }

  static VerifiedFile file(
      String name, String format, Map<String, String> metadata, List<Proof> proofs) {
    ModelDescription d = new ModelDescription(format, List.of(), metadata, List.of());
    return new VerifiedFile() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long size() {
        return 1234;
      }

      @Override
      public Sha256 sha256() {
        return DIGEST;
      }

      @Override
      public String format() {
        return format;
      }

      @Override
      public ModelDescription description() {
        return d;
      }

      @Override
      public List<Proof> proofs() {
        return proofs;
      }

      @Override
      public ByteBuffer buffer() {
        throw new UnsupportedOperationException("no bytes in a fake");
      }

      @Override
      public List<ByteBuffer> buffers() {
        throw new UnsupportedOperationException("no bytes in a fake");
      }

      @Override
      public InputStream openStream() {
        throw new UnsupportedOperationException("no bytes in a fake");
      }
    };
  }

  @Override
  public VerifiedFile file(String name) {
    return files.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  @Override
  public Delivery delivery() {
    return Delivery.COPY_TO_MEMORY;
  }

  @Override
  public Path materialize() {
    throw new UnsupportedOperationException("no bytes in a fake");
  }

  @Override
  public void checkUnchanged() {}

  @Override
  public void close() {}
}
