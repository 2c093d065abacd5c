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
      @Nullable Sha256 sha256,
      Map<Long, List<Sha256>> shards,
      String format,
      ModelDescription description,
      SourceFile source,
      @Nullable Path privateCopy,
      List<Proof> proofs) {
    Entry {
      shards = Map.copyOf(shards);
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
   * the way: for a trusted mapping this catches a change since verification. Each step is copied
   * out of the bytes once, into a buffer of our own, and that buffer is hashed and written: a
   * mapping read twice, once to hash and once to write, could change between the two reads and have
   * bytes other than those hashed written and handed out.
   */
  private void writePrivateCopy(Path dir, Entry e) throws IOException {
    Path target = dir.resolve(e.name());
    Files.createDirectories(
        target.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    // The same digests the pass computed (the whole file, or its shards when only they were
    // hashed).
    Hasher md = new Hasher(e.sha256() != null, e.shards().keySet());
    try (FileChannel out =
        FileChannel.open(
            target,
            Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer step =
          ByteBuffer.allocateDirect((int) Math.min(SourceReader.COPY_STEP, e.bytes().size()));
      for (ByteBuffer b : e.bytes().buffers()) {
        while (b.hasRemaining()) {
          int n = Math.min(step.capacity(), b.remaining());
          step.clear();
          step.put(b.duplicate().limit(b.position() + n)).flip();
          b.position(b.position() + n);
          md.update(step.duplicate());
          while (step.hasRemaining()) {
            out.write(step);
          }
        }
      }
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
    Hasher.FileDigests again = md.finish();
    if (!java.util.Objects.equals(again.sha256(), e.sha256())
        || !again.shards().equals(e.shards())) {
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
    public @Nullable Sha256 sha256() {
      return e.sha256();
    }

    @Override
    public Map<Long, List<Sha256>> shards() {
      return e.shards();
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
      return e.name()
          + " ("
          + e.format()
          + ", "
          + size()
          + " bytes, "
          + (e.sha256() != null ? e.sha256() : e.shards().size() + " shard sizes")
          + ")";
    }
  }

  @Override
  public String toString() {
    return "VerifiedModel{" + location + ", " + delivery + ", " + entries.keySet() + "}";
  }
}
