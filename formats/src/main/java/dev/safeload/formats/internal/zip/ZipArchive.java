package dev.safeload.formats.internal.zip;

import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * A zip archive whose container structure passed every strict rule: one end record ending the file,
 * consistent ZIP64 records, a contiguous central directory, local headers that agree with it, names
 * that cannot escape or collide, only stored/deflate entries without encryption or unknown flags,
 * and every byte of the file owned by exactly one structure (no prepended, appended, hidden or
 * overlapping data). Entry data (CRC, deflate stream) is checked when it is read through {@link
 * #open} or {@link #verify}.
 *
 * <p>All reads go through the given {@link ModelBytes}; nothing is allocated from a size the file
 * declares before that size was checked against the file and the {@link ZipLimits}.
 */
public final class ZipArchive {
  static final int SIG_LOCAL = 0x04034b50;
  static final int SIG_CENTRAL = 0x02014b50;
  static final int SIG_END = 0x06054b50;
  static final int SIG_ZIP64_END = 0x06064b50;
  static final int SIG_ZIP64_LOCATOR = 0x07064b50;
  static final int SIG_DESCRIPTOR = 0x08074b50;
  static final int FLAG_ENCRYPTED = 1;
  static final int FLAG_DESCRIPTOR = 1 << 3;
  static final int FLAG_UTF8 = 1 << 11;

  /** Bits 1 and 2 only describe the deflate level. */
  static final int FLAG_DEFLATE_OPTIONS = (1 << 1) | (1 << 2);

  static final int FLAGS_ENCRYPTION = 1 | (1 << 6) | (1 << 13);
  static final long U32 = 0xFFFF_FFFFL;
  static final int U16 = 0xFFFF;
  static final int END_SIZE = 22;
  static final int LOCATOR_SIZE = 20;
  static final int ZIP64_END_SIZE = 56;
  static final int MAX_COMMENT = 0xFFFF;

  /** Most entries whose tables are allocated before the entries are read (a few hundred KiB). */
  static final int PRESIZED_ENTRIES = 1 << 16;

  private final ModelBytes bytes;
  private final List<ZipEntry> entries;
  private final Map<String, ZipEntry> byName;
  private final long nameFoldWork;

  private ZipArchive(ModelBytes bytes, List<ZipEntry> entries, NameIndex names) {
    this.bytes = bytes;
    this.nameFoldWork = names.work();
    this.entries = Collections.unmodifiableList(entries);
    this.byName = Collections.unmodifiableMap(names.byName());
  }

  /** Whether the first bytes are a zip local header or an empty archive's end record. */
  public static boolean looksLikeZip(ByteBuffer head) {
    if (head.remaining() < 4) {
      return false;
    }
    int sig = head.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(head.position());
    return sig == SIG_LOCAL || sig == SIG_END;
  }

  /** The name in the first local header, if the head holds it; used only for format detection. */
  public static Optional<String> firstLocalName(ByteBuffer head) {
    ByteBuffer b = head.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int p = b.position();
    if (b.remaining() < 30 || b.getInt(p) != SIG_LOCAL) {
      return Optional.empty();
    }
    int n = b.getShort(p + 26) & U16;
    if (b.remaining() < 30 + n) {
      return Optional.empty();
    }
    byte[] name = new byte[n];
    b.get(p + 30, name);
    return Optional.of(new String(name, StandardCharsets.UTF_8));
  }

  /**
   * Parses and cross-checks the container.
   *
   * @throws FormatException with a {@code ZIP_*} reason at the first violated rule
   */
  public static ZipArchive read(ModelBytes bytes, ZipLimits limits) {
    return new Parser(bytes, limits).parse();
  }

  /**
   * Work units the name-collision check spent (see {@code NameIndex#work}): for tests that check it
   * stays linear in the file size.
   */
  public long nameFoldWork() {
    return nameFoldWork;
  }

  /** Entries in central-directory order. */
  public List<ZipEntry> entries() {
    return entries;
  }

  /** The entry with exactly this name. */
  public Optional<ZipEntry> entry(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * A stream of the entry's uncompressed data. It throws {@link FormatException} (ZIP_CRC_MISMATCH,
   * ZIP_SIZE_MISMATCH, ZIP_DEFLATE_INVALID) from {@code read} when the data turns out not to match
   * the central directory, at the latest when the end is reached; consumers must read to the end.
   */
  public InputStream open(ZipEntry e) {
    return e.isStored() ? new StoredStream(e) : new InflatingStream(e);
  }

  /**
   * Reads the whole entry and checks its CRC and size. Through the file's stream, never slices: the
   * loader serves a stream by {@code read()} into a small buffer, so checking every record of a
   * large checkpoint keeps memory bounded where a mapping would fault every page in. A stored
   * record of at most {@value #SMALL_RECORD} bytes is the exception: its bytes lie on the pages
   * around its local header, which the walk has already read through the mapping, so a view costs
   * no page the walk did not touch, and a read per record would cost a system call each (a
   * checkpoint of 60,000 small tensors makes 60,000 of them).
   */
  public void verify(ZipEntry e) {
    if (e.isStored() && e.compressedSize() <= SMALL_RECORD) {
      if (e.compressedSize() != e.uncompressedSize()) {
        throw new FormatException(
            FormatReason.ZIP_SIZE_MISMATCH, e.dataOffset(), e.name() + ": size differs");
      }
      CRC32 crc = new CRC32();
      crc.update(bytes.slice(e.dataOffset(), (int) e.compressedSize()));
      checkCrc(e, crc);
      return;
    }
    try (InputStream in = open(e)) {
      byte[] buf = new byte[(int) Math.min(64 * 1024, Math.max(1, e.uncompressedSize()))];
      while (in.read(buf) >= 0) {
        // the stream checks CRC and size at the end
      }
    } catch (IOException ex) {
      // A stored entry's stream fails only when the file's bytes could not be read.
      throw new FormatException(
          e.isStored() ? Reason.IO_ERROR : FormatReason.ZIP_DEFLATE_INVALID,
          e.dataOffset(),
          ex.toString());
    }
  }

  /** Largest stored record {@link #verify} checks through a view of its bytes. */
  static final int SMALL_RECORD = 4096;

  /** Verifies every entry. */
  public void verifyAll() {
    entries.forEach(this::verify);
  }

  /**
   * The stored entry's bytes, zero-copy when they lie in one chunk. The CRC is not checked here:
   * call {@link #verify} too.
   */
  public ByteBuffer storedData(ZipEntry e) {
    if (!e.isStored() || e.compressedSize() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("not a stored entry below 2 GiB: " + e.name());
    }
    return bytes.slice(e.dataOffset(), (int) e.compressedSize());
  }

  /**
   * The whole entry in memory, CRC and size checked; for entries that must be parsed at random.
   *
   * @throws FormatException with {@code tooLarge} if the entry is larger than {@code maxBytes}
   */
  public ByteBuffer readFully(ZipEntry e, long maxBytes, ReasonCode tooLarge) {
    if (e.uncompressedSize() > maxBytes || e.uncompressedSize() > Integer.MAX_VALUE - 16) {
      throw new FormatException(
          tooLarge,
          e.localHeaderOffset(),
          e.name() + ": " + e.uncompressedSize() + " bytes is over the limit of " + maxBytes);
    }
    if (e.isStored()) {
      verify(e);
      return storedData(e);
    }
    // Grow with the bytes actually inflated rather than allocating the declared size up front: a
    // small
    // file may declare a large (if bounded) size, and only real work should cost memory.
    byte[] out;
    try (InputStream in = open(e)) {
      out = in.readAllBytes();
    } catch (IOException ex) {
      throw new FormatException(FormatReason.ZIP_DEFLATE_INVALID, e.dataOffset(), ex.toString());
    }
    if (out.length != e.uncompressedSize()) {
      throw new FormatException(
          FormatReason.ZIP_SIZE_MISMATCH, e.dataOffset(), e.name() + ": size differs");
    }
    return ByteBuffer.wrap(out).asReadOnlyBuffer();
  }

  private static void checkCrc(ZipEntry e, CRC32 crc) {
    if ((int) crc.getValue() != e.crc32()) {
      throw new FormatException(
          FormatReason.ZIP_CRC_MISMATCH,
          e.dataOffset(),
          e.name()
              + ": CRC-32 "
              + Long.toHexString(crc.getValue())
              + " but the central directory says "
              + Integer.toHexString(e.crc32()));
    }
  }

  /**
   * An entry's uncompressed bytes as a stream: every byte produced goes into the CRC, which the
   * subclass checks when it reaches the end. Subclasses say how the bytes are produced.
   */
  private abstract static class EntryStream extends InputStream {
    final ZipEntry e;
    final CRC32 crc = new CRC32();

    EntryStream(ZipEntry e) {
      this.e = e;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = produce(b, off, len);
      if (n > 0) {
        crc.update(b, off, n);
      }
      return n;
    }

    /**
     * Puts 1 to {@code len} (at least 1) bytes into {@code b}, or returns -1 at the checked end.
     */
    abstract int produce(byte[] b, int off, int len) throws IOException;
  }

  private final class StoredStream extends EntryStream {
    private final InputStream in;
    private long left;
    private boolean checked;

    StoredStream(ZipEntry e) {
      super(e);
      this.in = bytes.openStream(e.dataOffset());
      this.left = e.compressedSize();
    }

    @Override
    int produce(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        if (!checked) {
          checked = true;
          checkCrc(e, crc);
        }
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new FormatException(
            FormatReason.ZIP_SIZE_MISMATCH, e.dataOffset(), e.name() + ": data truncated");
      }
      left -= n;
      return n;
    }
  }

  private final class InflatingStream extends EntryStream {
    private final Inflater inflater = new Inflater(true);
    private long inPos;
    private final long inEnd;
    private long produced;
    private boolean done;

    private @Nullable InputStream source;
    private byte[] input = new byte[0];

    InflatingStream(ZipEntry e) {
      super(e);
      this.inPos = e.dataOffset();
      this.inEnd = e.dataOffset() + e.compressedSize();
    }

    @Override
    int produce(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      try {
        while (true) {
          if (inflater.needsInput() && inPos < inEnd) {
            // Read, not sliced, for the same reason as in verify().
            if (source == null) {
              source = bytes.openStream(inPos);
              input = new byte[(int) Math.min(inEnd - inPos, 64 * 1024)];
            }
            int n = source.read(input, 0, (int) Math.min(inEnd - inPos, input.length));
            if (n < 0) {
              throw new IOException("the file ended at " + inPos);
            }
            inflater.setInput(input, 0, n);
            inPos += n;
          }
          // Never produce more than the central directory declared: the declared size is bounded by
          // the
          // policy, so this bounds memory and time whatever the deflate stream says.
          int want = (int) Math.min(len, e.uncompressedSize() - produced + 1);
          int n = inflater.inflate(b, off, Math.max(1, want));
          if (n > 0) {
            produced += n;
            if (produced > e.uncompressedSize()) {
              throw new FormatException(
                  FormatReason.ZIP_SIZE_MISMATCH,
                  e.dataOffset(),
                  e.name()
                      + ": inflates to more than the declared "
                      + e.uncompressedSize()
                      + " bytes");
            }
            return n;
          }
          if (inflater.finished()) {
            if (inflater.getRemaining() != 0 || inPos != inEnd) {
              throw new FormatException(
                  FormatReason.ZIP_DEFLATE_INVALID,
                  e.dataOffset(),
                  e.name() + ": data follows the end of the deflate stream");
            }
            if (produced != e.uncompressedSize()) {
              throw new FormatException(
                  FormatReason.ZIP_SIZE_MISMATCH,
                  e.dataOffset(),
                  e.name()
                      + ": inflates to "
                      + produced
                      + " bytes, declared "
                      + e.uncompressedSize());
            }
            checkCrc(e, crc);
            done = true;
            inflater.end();
            return -1;
          }
          if (inflater.needsDictionary() || (inflater.needsInput() && inPos >= inEnd)) {
            throw new FormatException(
                FormatReason.ZIP_DEFLATE_INVALID,
                e.dataOffset(),
                e.name() + ": deflate stream ends early");
          }
        }
      } catch (DataFormatException ex) {
        throw new FormatException(
            FormatReason.ZIP_DEFLATE_INVALID, e.dataOffset(), e.name() + ": " + ex.getMessage());
      }
    }

    @Override
    public void close() {
      inflater.end();
    }
  }

  /** One pass over the container structures. */
  private static final class Parser {
    private final ModelBytes b;
    private final long size;
    private final ZipLimits limits;

    Parser(ModelBytes b, ZipLimits limits) {
      this.b = b;
      this.size = b.size();
      this.limits = limits;
    }

    int u16(long at) {
      return (b.get(at) & 0xff) | (b.get(at + 1) & 0xff) << 8;
    }

    long u32(long at) {
      return u16(at) | (long) u16(at + 2) << 16;
    }

    /**
     * The {@code n} (at most 46) bytes at {@code at}, copied with one call into an array the parser
     * reuses: a field read through {@link ModelBytes#get} costs a call per byte, which a JVM that
     * has not compiled the parser yet (a command checking many small files) pays in full, and a
     * central and a local header hold 15 fields each.
     */
    private byte[] header(long at, int n) {
      b.slice(at, n).get(headerBytes, 0, n);
      return headerBytes;
    }

    private final byte[] headerBytes = new byte[46];

    static int u16(byte[] h, int at) {
      return (h[at] & 0xff) | (h[at + 1] & 0xff) << 8;
    }

    static long u32(byte[] h, int at) {
      return u16(h, at) | (long) u16(h, at + 2) << 16;
    }

    /** A u64 that must fit a non-negative long. */
    long u64(long at, ReasonCode reason) {
      long v = u32(at) | u32(at + 4) << 32;
      if (v < 0) {
        throw new FormatException(reason, at, "64-bit value out of range");
      }
      return v;
    }

    boolean sigAt(long at, int sig) {
      return at >= 0 && at + 4 <= size && (int) u32(at) == sig;
    }

    ZipArchive parse() {
      long eocd = findEnd();
      if (u16(eocd + 20) != 0) {
        throw new FormatException(FormatReason.ZIP_COMMENT, eocd + 20, "the archive has a comment");
      }
      int disk = u16(eocd + 4);
      int cdDisk = u16(eocd + 6);
      int entriesDisk = u16(eocd + 8);
      int entriesTotal = u16(eocd + 10);
      long cdSize32 = u32(eocd + 12);
      long cdOffset32 = u32(eocd + 16);

      long entryCount = entriesTotal;
      long cdSize = cdSize32;
      long cdOffset = cdOffset32;
      long cdEndExpected = eocd;
      List<long[]> structures = new ArrayList<>();
      structures.add(new long[] {eocd, size});
      boolean zip64 = sigAt(eocd - LOCATOR_SIZE, SIG_ZIP64_LOCATOR);
      if (zip64) {
        long loc = eocd - LOCATOR_SIZE;
        if (u32(loc + 4) != 0 || u32(loc + 16) != 1) {
          throw new FormatException(
              FormatReason.ZIP_MULTI_DISK, loc, "ZIP64 locator names another disk");
        }
        long z = u64(loc + 8, FormatReason.ZIP64_INCONSISTENT);
        if (z + ZIP64_END_SIZE != loc || !sigAt(z, SIG_ZIP64_END)) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT,
              loc,
              "the ZIP64 end record is not immediately before its locator");
        }
        if (u64(z + 4, FormatReason.ZIP64_INCONSISTENT) != ZIP64_END_SIZE - 12) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT,
              z + 4,
              "ZIP64 end record with an extensible data sector");
        }
        if (u32(z + 16) != 0 || u32(z + 20) != 0) {
          throw new FormatException(
              FormatReason.ZIP_MULTI_DISK, z + 16, "ZIP64 end record names another disk");
        }
        long n64disk = u64(z + 24, FormatReason.ZIP64_INCONSISTENT);
        long n64 = u64(z + 32, FormatReason.ZIP64_INCONSISTENT);
        long size64 = u64(z + 40, FormatReason.ZIP64_INCONSISTENT);
        long off64 = u64(z + 48, FormatReason.ZIP64_INCONSISTENT);
        if (n64disk != n64) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT, z + 24, "entry counts disagree");
        }
        if (!agrees(entriesDisk, U16, n64)
            || !agrees(entriesTotal, U16, n64)
            || !agrees(cdSize32, U32, size64)
            || !agrees(cdOffset32, U32, off64)
            || !agrees(disk, U16, 0)
            || !agrees(cdDisk, U16, 0)) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT,
              eocd,
              "end record fields are neither equal to the ZIP64 values nor the ZIP64 marker");
        }
        entryCount = n64;
        cdSize = size64;
        cdOffset = off64;
        cdEndExpected = z;
        structures.add(new long[] {z, loc});
        structures.add(new long[] {loc, eocd});
      } else {
        if (disk != 0 || cdDisk != 0) {
          throw new FormatException(
              FormatReason.ZIP_MULTI_DISK, eocd + 4, "the archive spans disks");
        }
        if (entriesDisk != entriesTotal) {
          throw new FormatException(
              FormatReason.ZIP_CENTRAL_DIRECTORY_INVALID, eocd + 8, "entry counts disagree");
        }
        if (entriesTotal == U16 || cdSize32 == U32 || cdOffset32 == U32) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT,
              eocd,
              "ZIP64 marker values without a ZIP64 end record");
        }
      }
      if (entryCount > limits.maxEntries()) {
        throw new FormatException(
            FormatReason.ZIP_TOO_MANY_ENTRIES,
            eocd,
            entryCount + " entries is over the limit of " + limits.maxEntries());
      }
      if (cdOffset > cdEndExpected || cdEndExpected - cdOffset != cdSize) {
        throw new FormatException(
            FormatReason.ZIP_CENTRAL_DIRECTORY_INVALID,
            eocd,
            "the central directory does not end where the end record begins");
      }
      if (entryCount > cdSize / 46) {
        throw new FormatException(
            FormatReason.ZIP_CENTRAL_DIRECTORY_INVALID,
            cdOffset,
            entryCount + " entries cannot fit in a " + cdSize + "-byte central directory");
      }
      structures.add(new long[] {cdOffset, cdEndExpected});

      // The count is bounded by the directory's size, but a policy may allow more entries than fit
      // an int.
      // Sized up front up to PRESIZED_ENTRIES (growing rehashes and copies everything so far), and
      // grown beyond that only as entries pass: a policy may allow more entries than fit an int,
      // and a directory of junk must not cost memory before its first entry fails.
      int expected = (int) Math.min(entryCount, PRESIZED_ENTRIES);
      List<ZipEntry> entries = new ArrayList<>(expected);
      NameIndex names = new NameIndex(expected);
      long total = 0;
      // Deflated entries below the ratio floor are judged together, as if they were one entry.
      long smallInflated = 0;
      long smallCompressed = 0;
      long p = cdOffset;
      for (int i = 0; i < entryCount; i++) {
        ZipEntry e = centralEntry(i, p, cdEndExpected);
        p = nextCentral;
        names.add(e);
        if (!e.isStored() && e.uncompressedSize() < limits.ratioFloorBytes()) {
          smallInflated += e.uncompressedSize();
          smallCompressed += e.compressedSize();
          if (smallInflated >= limits.ratioFloorBytes()
              && overRatio(smallInflated, smallCompressed)) {
            throw new FormatException(
                FormatReason.ZIP_COMPRESSION_RATIO,
                e.localHeaderOffset(),
                "the deflated entries "
                    + "below "
                    + limits.ratioFloorBytes()
                    + " bytes inflate to "
                    + smallInflated
                    + " bytes from "
                    + smallCompressed
                    + ", over the ratio limit of "
                    + limits.maxRatio());
          }
        }
        total = Math.addExact(total, e.uncompressedSize());
        if (total > limits.maxTotalBytes()) {
          throw new FormatException(
              FormatReason.ZIP_TOTAL_TOO_LARGE,
              e.localHeaderOffset(),
              "entries total more than " + limits.maxTotalBytes() + " bytes uncompressed");
        }
        entries.add(e);
        structures.add(new long[] {e.localHeaderOffset(), e.endOffset()});
      }
      if (p != cdEndExpected) {
        throw new FormatException(
            FormatReason.ZIP_CENTRAL_DIRECTORY_INVALID,
            p,
            "the central directory holds bytes after its last entry");
      }
      account(structures, entries);
      return new ZipArchive(b, entries, names);
    }

    /** Whether {@code inflated} bytes from {@code compressed} exceed the ratio limit. */
    private boolean overRatio(long inflated, long compressed) {
      long r = limits.maxRatio();
      return compressed == 0 || (inflated / compressed >= r && inflated > compressed * r);
    }

    private static boolean agrees(long field, long marker, long value) {
      return field == value || field == marker;
    }

    /** Finds the single end record, which must end exactly at the end of the file. */
    private long findEnd() {
      if (size < END_SIZE) {
        throw new FormatException(
            FormatReason.ZIP_END_RECORD_MISSING, 0, "too short for a zip end record");
      }
      long lowest = Math.max(0, size - END_SIZE - MAX_COMMENT);
      // The tail is copied once and searched as an array: through ModelBytes.get every byte costs a
      // chain of calls, ten times the work of the loop itself in a JVM that has not compiled them
      // yet, and a command checking many small files runs in such a JVM (the search covers all of a
      // small file). The rule is the same: every offset from the last possible one down to lowest.
      int tailLength = (int) (size - lowest); // at most END_SIZE + MAX_COMMENT
      byte[] tail = new byte[tailLength];
      b.slice(lowest, tailLength).get(tail);
      long found = -1;
      int valid = 0;
      boolean anySignature = false;
      for (int i = tailLength - END_SIZE; i >= 0; i--) {
        if (tail[i] == 0x50 && tail[i + 1] == 0x4b && tail[i + 2] == 5 && tail[i + 3] == 6) {
          anySignature = true;
          int commentLength = (tail[i + 20] & 0xff) | (tail[i + 21] & 0xff) << 8;
          if (i + END_SIZE + commentLength == tailLength) {
            valid++;
            if (found < 0) {
              found = lowest + i;
            }
          }
        }
      }
      if (valid > 1) {
        throw new FormatException(
            FormatReason.ZIP_MULTIPLE_END_RECORDS,
            found,
            "more than one end record could end this file");
      }
      if (found < 0) {
        throw new FormatException(
            anySignature ? FormatReason.ZIP_APPENDED_DATA : FormatReason.ZIP_END_RECORD_MISSING,
            size,
            anySignature ? "data follows the end record" : "no end record");
      }
      return found;
    }

    private long nextCentral;

    private ZipEntry centralEntry(int index, long p, long cdEnd) {
      // p >= 0 and p + 46 <= cdEnd <= size: the header lies in the file, and is read in one piece.
      byte[] h = p + 46 > cdEnd ? null : header(p, 46);
      if (h == null || (int) u32(h, 0) != SIG_CENTRAL) {
        throw new FormatException(
            FormatReason.ZIP_CENTRAL_DIRECTORY_INVALID,
            p,
            "central directory entry " + index + " is missing or truncated");
      }
      int flags = u16(h, 8);
      int method = u16(h, 10);
      int crc = (int) u32(h, 16);
      long csize = u32(h, 20);
      long usize = u32(h, 24);
      int nameLen = u16(h, 28);
      int extraLen = u16(h, 30);
      int commentLen = u16(h, 32);
      int diskStart = u16(h, 34);
      long lho = u32(h, 42);
      long nameAt = p + 46;
      long extraAt = nameAt + nameLen;
      long end = extraAt + extraLen + commentLen;
      if (end > cdEnd) {
        throw new FormatException(
            FormatReason.ZIP_CENTRAL_DIRECTORY_INVALID,
            p,
            "central directory entry " + index + " runs past the directory");
      }
      nextCentral = end;
      if (commentLen != 0) {
        throw new FormatException(
            FormatReason.ZIP_COMMENT, extraAt + extraLen, "entry " + index + " has a comment");
      }
      // Before the name is decoded or normalised: normalisation cost grows faster than the name.
      if (nameLen > limits.maxNameBytes()) {
        throw new FormatException(
            FormatReason.ZIP_NAME_TOO_LONG,
            nameAt,
            "entry "
                + index
                + " has a name of "
                + nameLen
                + " bytes, over the limit of "
                + limits.maxNameBytes());
      }
      byte[] nameBytes = read(nameAt, nameLen);
      String name = decodeName(nameBytes, flags, nameAt);
      checkFlagsAndMethod(flags, method, p, name);
      ExtraFields cx = ExtraFields.read(b, extraAt, extraLen, true);
      cx.checkUnicodePath(b, nameBytes, name);
      // ZIP64 extra: only the fields whose 32-bit value is the marker, in this order.
      int need =
          (usize == U32 ? 8 : 0)
              + (csize == U32 ? 8 : 0)
              + (lho == U32 ? 8 : 0)
              + (diskStart == U16 ? 4 : 0);
      if (cx.zip64At < 0) {
        if (need != 0) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT, p, name + ": ZIP64 markers without ZIP64 data");
        }
      } else {
        if (cx.zip64Len != need) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT,
              cx.zip64At,
              name
                  + ": ZIP64 extra field holds "
                  + cx.zip64Len
                  + " bytes where the markers need "
                  + need);
        }
        long q = cx.zip64At;
        if (usize == U32) {
          usize = u64(q, FormatReason.ZIP64_INCONSISTENT);
          q += 8;
        }
        if (csize == U32) {
          csize = u64(q, FormatReason.ZIP64_INCONSISTENT);
          q += 8;
        }
        if (lho == U32) {
          lho = u64(q, FormatReason.ZIP64_INCONSISTENT);
          q += 8;
        }
        if (diskStart == U16) {
          diskStart = (int) u32(q);
        }
      }
      if (diskStart != 0) {
        throw new FormatException(
            FormatReason.ZIP_MULTI_DISK, p + 34, name + ": entry on another disk");
      }
      if (usize > limits.maxEntryBytes()) {
        throw new FormatException(
            FormatReason.ZIP_ENTRY_TOO_LARGE,
            p,
            name
                + ": "
                + usize
                + " bytes uncompressed is over the limit of "
                + limits.maxEntryBytes());
      }
      if (method == ZipEntry.STORED && csize != usize) {
        throw new FormatException(
            FormatReason.ZIP_SIZE_MISMATCH, p, name + ": stored entry with different sizes");
      }
      // Small entries are exempt one by one (a few KB of zeros deflate 300:1 and are no bomb);
      // parse()
      // judges them together. The declared-size and total limits apply to every entry.
      if (method == ZipEntry.DEFLATED
          && usize >= limits.ratioFloorBytes()
          && usize > 0
          && overRatio(usize, csize)) {
        throw new FormatException(
            FormatReason.ZIP_COMPRESSION_RATIO,
            p,
            name
                + ": "
                + usize
                + " bytes from "
                + csize
                + " compressed is over the ratio limit of "
                + limits.maxRatio());
      }
      long[] local = localHeader(name, nameBytes, flags, method, crc, csize, usize, lho, cx);
      return new ZipEntry(name, index, lho, local[0], csize, usize, method, crc, flags, local[1]);
    }

    private void checkFlagsAndMethod(int flags, int method, long at, String name) {
      if ((flags & FLAGS_ENCRYPTION) != 0) {
        throw new FormatException(
            FormatReason.ZIP_ENCRYPTED,
            at + 8,
            name + ": encrypted (flags 0x" + Integer.toHexString(flags) + ")");
      }
      if (method != ZipEntry.STORED && method != ZipEntry.DEFLATED) {
        throw new FormatException(
            FormatReason.ZIP_METHOD_UNSUPPORTED, at + 10, name + ": method " + method);
      }
      int allowed =
          FLAG_DESCRIPTOR | FLAG_UTF8 | (method == ZipEntry.DEFLATED ? FLAG_DEFLATE_OPTIONS : 0);
      if ((flags & ~allowed) != 0) {
        throw new FormatException(
            FormatReason.ZIP_FLAGS_UNSUPPORTED,
            at + 8,
            name + ": flags 0x" + Integer.toHexString(flags));
      }
    }

    /** Returns {data offset, end offset including any data descriptor}. */
    private long[] localHeader(
        String name,
        byte[] nameBytes,
        int flags,
        int method,
        int crc,
        long csize,
        long usize,
        long lho,
        ExtraFields cx) {
      // lho >= 0 (a u32, or a u64 checked non-negative): with lho <= size - 30 the header lies in
      // the file.
      byte[] h = lho > size - 30 ? null : header(lho, 30);
      if (h == null || (int) u32(h, 0) != SIG_LOCAL) {
        throw new FormatException(
            FormatReason.ZIP_LOCAL_HEADER_INVALID, lho, name + ": no local header at " + lho);
      }
      int lflags = u16(h, 6);
      int lmethod = u16(h, 8);
      int lcrc = (int) u32(h, 14);
      long lcsize = u32(h, 18);
      long lusize = u32(h, 22);
      int nameLen = u16(h, 26);
      int extraLen = u16(h, 28);
      long dataAt = lho + 30 + nameLen + extraLen;
      if (dataAt > size) {
        throw new FormatException(
            FormatReason.ZIP_LOCAL_HEADER_INVALID, lho, name + ": local header runs past the file");
      }
      if (lflags != flags) {
        // Encryption bits only in the local header are the classic "scanner refuses, loader reads"
        // split.
        int reasonFlags = lflags & ~flags;
        throw new FormatException(
            (reasonFlags & FLAGS_ENCRYPTION) != 0
                ? FormatReason.ZIP_ENCRYPTED
                : FormatReason.ZIP_HEADER_MISMATCH,
            lho + 6,
            name
                + ": local flags 0x"
                + Integer.toHexString(lflags)
                + " differ from central 0x"
                + Integer.toHexString(flags));
      }
      if (lmethod != method) {
        throw new FormatException(
            FormatReason.ZIP_HEADER_MISMATCH, lho + 8, name + ": methods differ");
      }
      // Lengths first: the local name is read only when it is as long as the (bounded) central one.
      if (nameLen != nameBytes.length || !Arrays.equals(read(lho + 30, nameLen), nameBytes)) {
        throw new FormatException(
            FormatReason.ZIP_HEADER_MISMATCH,
            lho + 30,
            name + ": the local header names a different file");
      }
      claim(lho, csize > size - dataAt ? size : dataAt + csize, name);
      ExtraFields lx = ExtraFields.read(b, lho + 30 + nameLen, extraLen, false);
      lx.checkLocalAgainst(cx, b, lho + 30 + nameLen, name);
      lx.checkUnicodePath(b, nameBytes, name);
      boolean zip64 = lx.zip64At >= 0;
      if (zip64) {
        if (lx.zip64Len != 16) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT,
              lx.zip64At,
              name + ": a local ZIP64 field must hold exactly both sizes");
        }
        long zu = u64(lx.zip64At, FormatReason.ZIP64_INCONSISTENT);
        long zc = u64(lx.zip64At + 8, FormatReason.ZIP64_INCONSISTENT);
        // CPython's force_zip64 keeps the real sizes in the 32-bit fields too; anything else must
        // be the marker.
        if ((lusize != U32 && lusize != zu) || (lcsize != U32 && lcsize != zc)) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT,
              lho + 18,
              name + ": local 32-bit sizes are neither the ZIP64 marker nor the ZIP64 values");
        }
        lusize = zu;
        lcsize = zc;
      } else if (lusize == U32 || lcsize == U32) {
        if (!(lusize == usize && lcsize == csize)) {
          throw new FormatException(
              FormatReason.ZIP64_INCONSISTENT, lho, name + ": ZIP64 marker without ZIP64 data");
        }
      }
      boolean descriptor = (flags & FLAG_DESCRIPTOR) != 0;
      boolean zeros = lcrc == 0 && lcsize == 0 && lusize == 0;
      boolean same = lcrc == crc && lcsize == csize && lusize == usize;
      if (!(same || (descriptor && zeros))) {
        throw new FormatException(
            FormatReason.ZIP_HEADER_MISMATCH,
            lho + 14,
            name + ": local CRC or sizes differ from the central directory");
      }
      if (csize > size - dataAt) {
        throw new FormatException(
            FormatReason.ZIP_LOCAL_HEADER_INVALID, dataAt, name + ": data runs past the file");
      }
      long end = dataAt + csize;
      if (descriptor) {
        boolean wide = zip64 || csize >= U32 || usize >= U32;
        long q = end;
        if (sigAt(q, SIG_DESCRIPTOR)) {
          q += 4;
        }
        int w = wide ? 8 : 4;
        if (q + 4 + 2L * w > size) {
          throw new FormatException(
              FormatReason.ZIP_DATA_DESCRIPTOR_INVALID, end, name + ": data descriptor missing");
        }
        long dcsize = wide ? u64(q + 4, FormatReason.ZIP_DATA_DESCRIPTOR_INVALID) : u32(q + 4);
        long dusize = wide ? u64(q + 4 + w, FormatReason.ZIP_DATA_DESCRIPTOR_INVALID) : u32(q + 8);
        if ((int) u32(q) != crc || dcsize != csize || dusize != usize) {
          throw new FormatException(
              FormatReason.ZIP_DATA_DESCRIPTOR_INVALID,
              end,
              name + ": data descriptor disagrees with the central directory");
        }
        end = q + 4 + 2L * w;
      }
      return new long[] {dataAt, end};
    }

    /**
     * Start to end of every local header and its data claimed so far, as two sorted arrays while
     * the claims come in ascending order of start (as writers lay entries out), in {@link #claimed}
     * from the first claim that does not.
     */
    private long[] runStarts = new long[16];

    private long[] runEnds = new long[16];
    private int runLength;
    private @Nullable TreeMap<Long, Long> claimed;

    /**
     * Claims an entry's bytes before its extra fields are parsed. Local headers nested inside each
     * other's extra fields or data would otherwise each be parsed in full: work growing with the
     * number of entries times the extra length, for a file that grows only with the number of
     * entries. {@link #account} checks the complete layout (with data descriptors) at the end.
     */
    private void claim(long start, long end, String name) {
      if (claimed == null) {
        if (runLength == 0 || start > runStarts[runLength - 1]) {
          // Claims do not overlap one another, so only the last one can reach past start, and none
          // starts after it: the same answer the tree below would give.
          if (runLength > 0 && runEnds[runLength - 1] > start) {
            throw overlap(start, name);
          }
          if (runLength == runStarts.length) {
            runStarts = Arrays.copyOf(runStarts, runLength * 2);
            runEnds = Arrays.copyOf(runEnds, runLength * 2);
          }
          runStarts[runLength] = start;
          runEnds[runLength] = end;
          runLength++;
          return;
        }
        claimed = new TreeMap<>();
        for (int i = 0; i < runLength; i++) {
          claimed.put(runStarts[i], runEnds[i]);
        }
      }
      Map.Entry<Long, Long> before = claimed.floorEntry(start);
      Map.Entry<Long, Long> after = claimed.ceilingEntry(start);
      if ((before != null && before.getValue() > start)
          || (after != null && after.getKey() < end)) {
        throw overlap(start, name);
      }
      claimed.put(start, end);
    }

    private static FormatException overlap(long start, String name) {
      return new FormatException(
          FormatReason.ZIP_OVERLAP,
          start,
          name + ": the local header at " + start + " overlaps another entry");
    }

    private byte[] read(long at, int n) {
      byte[] out = new byte[n];
      b.slice(at, n).get(out);
      return out;
    }

    private String decodeName(byte[] raw, int flags, long at) {
      boolean ascii = true;
      for (byte c : raw) {
        if (c < 0) {
          ascii = false;
          break;
        }
      }
      String name;
      if (ascii) {
        // The same string under either flag, and valid UTF-8: no validation to run. Most names
        // are ASCII, and a checkpoint of many tensors has as many names as records.
        name = new String(raw, StandardCharsets.ISO_8859_1);
      } else if ((flags & FLAG_UTF8) != 0) {
        String utf8 = Utf8.decodeOrNull(raw);
        if (utf8 == null) {
          throw new FormatException(
              FormatReason.ZIP_NAME_INVALID, at, "entry name is not valid UTF-8");
        }
        name = utf8;
      } else {
        // Without the UTF-8 flag the bytes are CP437 to some readers and UTF-8 to others.
        throw new FormatException(
            FormatReason.ZIP_NAME_INVALID, at, "non-ASCII entry name without the UTF-8 flag");
      }
      String why = nameProblem(name);
      if (why == null && !ascii) { // no ASCII character is a combining mark
        why = NameIndex.streamSafeProblem(name);
      }
      if (why != null) {
        throw new FormatException(
            FormatReason.ZIP_NAME_INVALID, at, "entry name '" + printable(name) + "' " + why);
      }
      return name;
    }

    private static String printable(String s) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < s.length() && i < 200; ) {
        int c = s.codePointAt(i);
        i += Character.charCount(c);
        sb.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c);
      }
      return sb.toString();
    }

    private static @org.jspecify.annotations.Nullable String nameProblem(String name) {
      if (name.isEmpty()) {
        return "is empty";
      }
      // By code point, as the directory names are judged: the invisible tag characters (U+E0001,
      // U+E0020-U+E007F) are format characters outside the BMP, two chars each.
      for (int i = 0; i < name.length(); ) {
        int c = name.codePointAt(i);
        i += Character.charCount(c);
        if (c < 0x20 || c == 0x7f) {
          return "contains a control character";
        }
        if (c == '\\') {
          return "contains a backslash";
        }
        if (c == ':') {
          return "contains a colon (drive letter or stream name)";
        }
        // Zero-width characters, byte-order marks, bidi overrides: HFS+ ignores some when it
        // compares names (extracted, data\u200C.pkl is data.pkl) and an override shows a name as
        // another. No ASCII character is one.
        if (c >= 0x80 && (Character.getType(c) == Character.FORMAT || c == 0xFFFD)) {
          return "contains an invisible format character or U+FFFD";
        }
      }
      if (name.startsWith("/")) {
        return "is absolute";
      }
      if (name.endsWith("/")) {
        return "is a directory";
      }
      // Segment by segment without split(): it would allocate an array and a string per segment.
      int segment = 0;
      for (int i = 0; i <= name.length(); i++) {
        if (i == name.length() || name.charAt(i) == '/') {
          int n = i - segment;
          boolean dots =
              (n == 1 || n == 2)
                  && name.charAt(segment) == '.'
                  && name.charAt(segment + n - 1) == '.';
          if (n == 0 || dots) {
            return "has an empty, '.' or '..' segment";
          }
          // A segment may end in a dot or a space: torch.save names its archive after the file
          // ("my model .pt" holds "my model /data.pkl"). Windows drops them when it extracts, so
          // NameIndex folds them away and "data.pkl." collides with "data.pkl".
          segment = i + 1;
        }
      }
      return null;
    }

    /** Every byte belongs to exactly one structure, starting at 0. */
    private void account(List<long[]> structures, List<ZipEntry> entries) {
      structures.sort(Comparator.<long[]>comparingLong(s -> s[0]).thenComparingLong(s -> s[1]));
      long pos = 0;
      for (long[] s : structures) {
        if (s[0] < pos) {
          throw new FormatException(
              FormatReason.ZIP_OVERLAP, s[0], "structures overlap at offset " + s[0]);
        }
        if (s[0] > pos) {
          gap(pos, s[0]);
        }
        pos = s[1];
      }
      if (pos != size) {
        throw new FormatException(
            FormatReason.ZIP_APPENDED_DATA, pos, "data follows the end record");
      }
    }

    private void gap(long from, long to) {
      for (long q = from; q + 4 <= to; q++) {
        if (b.get(q) == 0x50 && (int) u32(q) == SIG_END) {
          throw new FormatException(
              FormatReason.ZIP_MULTIPLE_END_RECORDS, q, "another end record at " + q);
        }
      }
      if (from == 0) {
        throw new FormatException(
            FormatReason.ZIP_PREPENDED_DATA, 0, to + " bytes precede the first local header");
      }
      for (long q = from; q + 4 <= to; q++) {
        if (b.get(q) == 0x50 && (int) u32(q) == SIG_LOCAL) {
          throw new FormatException(
              FormatReason.ZIP_UNACCOUNTED_BYTES, q, "a local header no central entry names");
        }
      }
      throw new FormatException(
          FormatReason.ZIP_UNACCOUNTED_BYTES, from, (to - from) + " bytes belong to no entry");
    }
  }
}
