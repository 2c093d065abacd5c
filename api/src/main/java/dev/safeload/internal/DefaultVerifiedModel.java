package dev.safeload.internal;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.ModelChangedException;
import dev.safeload.Reason;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.ModelDescription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The {@link VerifiedModel} the engine hands out. */
final class DefaultVerifiedModel implements VerifiedModel {

  /** One served file: the verified bytes, where they came from, and the proofs that cover them. */
  record Entry(
      String name,
      ChunkedBytes bytes,
      Sha256 sha256,
      String format,
      ModelDescription description,
      SourceFile source,
      @Nullable Path privateCopy,
      List<Proof> proofs) {
    Entry {
      proofs = List.copyOf(proofs);
    }
  }

  private final Path source;
  private final String location;
  private final Delivery delivery;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final List<VerifiedFile> files;
  private final List<Proof> proofs;
  private @Nullable Path privateDir;
  private final boolean followLinks;
  private volatile boolean closed;

  DefaultVerifiedModel(
      Path source,
      String location,
      Delivery delivery,
      List<Entry> served,
      List<Proof> proofs,
      @Nullable Path privateDir,
      boolean followLinks) {
    this.source = source;
    this.location = location;
    this.followLinks = followLinks;
    this.delivery = delivery;
    this.privateDir = privateDir;
    List<VerifiedFile> fs = new ArrayList<>();
    for (Entry e : served) {
      entries.put(e.name(), e);
      fs.add(new File(e));
    }
    this.files = List.copyOf(fs);
    this.proofs = List.copyOf(proofs);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the verified model is closed");
    }
  }

  @Override
  public Path source() {
    return source;
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public List<VerifiedFile> files() {
    checkOpen();
    return files;
  }

  @Override
  public VerifiedFile file(String name) {
    checkOpen();
    Entry e = entries.get(name);
    if (e == null) {
      throw new NoSuchElementException(
          "no verified file named " + name + "; have " + entries.keySet());
    }
    return new File(e);
  }

  @Override
  public Delivery delivery() {
    return delivery;
  }

  @Override
  public List<Proof> proofs() {
    return proofs;
  }

  @Override
  public synchronized Path materialize() throws IOException {
    checkOpen();
    if (privateDir != null) {
      return privateDir;
    }
    Path dir = PrivateDirs.create();
    try {
      for (Entry e : entries.values()) {
        writePrivateCopy(dir, e);
      }
    } catch (IOException | RuntimeException e) {
      PrivateDirs.deleteQuietly(dir);
      throw e;
    }
    privateDir = dir;
    return dir;
  }

  /**
   * Writes one verified file into the private directory from the verified bytes, hashing again on
   * the way: for a trusted mapping this catches a change since verification.
   */
  private void writePrivateCopy(Path dir, Entry e) throws IOException {
    Path target = dir.resolve(e.name());
    Files.createDirectories(
        target.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    MessageDigest md = Sha256.newMessageDigest();
    try (FileChannel out =
        FileChannel.open(
            target,
            Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      for (ByteBuffer b : e.bytes().buffers()) {
        md.update(b.duplicate());
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
    if (!Sha256.of(md.digest()).equals(e.sha256())) {
      throw new ModelChangedException(
          List.of(
              new Finding(
                  Reason.SOURCE_CHANGED,
                  e.name(),
                  Finding.NO_OFFSET,
                  "mapped bytes changed after verification")));
    }
  }

  @Override
  public void checkUnchanged() {
    if (delivery != Delivery.MAPPED_TRUSTED) {
      return;
    }
    List<Finding> changed = new ArrayList<>();
    for (Entry e : entries.values()) {
      try {
        if (!e.source().unchanged(followLinks)) {
          changed.add(
              new Finding(
                  Reason.SOURCE_CHANGED,
                  e.name(),
                  Finding.NO_OFFSET,
                  "size, modification or change time, or identity changed since verification"));
        }
      } catch (IOException ex) {
        changed.add(
            new Finding(
                Reason.SOURCE_CHANGED, e.name(), Finding.NO_OFFSET, "the source is gone: " + ex));
      }
    }
    if (!changed.isEmpty()) {
      throw new ModelChangedException(changed);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      checkUnchanged();
    } finally {
      if (privateDir != null) {
        PrivateDirs.deleteQuietly(privateDir);
        privateDir = null;
      }
    }
  }

  /** A view of one entry that refuses access once the model is closed. */
  private final class File implements VerifiedFile {
    private final Entry e;

    File(Entry e) {
      this.e = e;
    }

    @Override
    public String name() {
      return e.name();
    }

    @Override
    public long size() {
      return e.bytes().size();
    }

    @Override
    public Sha256 sha256() {
      return e.sha256();
    }

    @Override
    public String format() {
      return e.format();
    }

    @Override
    public ModelDescription description() {
      return e.description();
    }

    @Override
    public List<Proof> proofs() {
      return e.proofs();
    }

    @Override
    public ByteBuffer buffer() {
      checkOpen();
      List<ByteBuffer> bs = e.bytes().buffers();
      if (bs.size() > 1) {
        throw new IllegalStateException(e.name() + " is " + size() + " bytes: use buffers()");
      }
      return bs.isEmpty() ? ByteBuffer.allocateDirect(0).asReadOnlyBuffer() : bs.get(0);
    }

    @Override
    public List<ByteBuffer> buffers() {
      checkOpen();
      return e.bytes().buffers();
    }

    @Override
    public InputStream openStream() {
      checkOpen();
      return e.bytes().openStream(0);
    }

    @Override
    public String toString() {
      return e.name() + " (" + e.format() + ", " + size() + " bytes, " + e.sha256() + ")";
    }
  }

  @Override
  public String toString() {
    return "VerifiedModel{" + location + ", " + delivery + ", " + entries.keySet() + "}";
  }
}
