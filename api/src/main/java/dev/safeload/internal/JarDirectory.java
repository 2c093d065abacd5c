package dev.safeload.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The names and sizes in a jar's central directory, for a class-path source: which resources sit
 * under a folder. The JDK's only listings of a jar ({@code JarFile}, {@code JarInputStream}, the
 * zip file system) are not used anywhere in safeload (build/forbidden-apis/no-zip.txt), and the
 * strict zip reader lives in safeload-formats, which the api does not know; this reads only the
 * central directory, strictly, and the bytes of each entry are then read through the class loader's
 * own {@code jar:} URL, hashed and judged like any stream.
 *
 * <p>Rules, in check order, each an {@link InvalidJarException}: the file holds exactly one end
 * record whose comment reaches the end of the file; one disk; no ZIP64 marker in any size, count or
 * offset; the central directory ends exactly where the end record starts and holds exactly the
 * number of entries the end record declares; each entry is neither encrypted nor compressed by
 * anything but store or deflate, its local header lies before the central directory, and its name
 * is valid UTF-8. Names are not judged here: duplicates, traversal and collisions are the source
 * listing's ({@link SourceListing}), as for every source.
 *
 * <p>Bounded: reads at most the last {@value #MAX_TAIL} bytes and a central directory of at most
 * {@code maxDirectoryBytes}; work is linear in those bytes.
 */
final class JarDirectory {
  /** An end record with the longest comment: 22 bytes and 65,535 of comment. */
  static final int MAX_TAIL = 22 + 0xFFFF;

  private static final int EOCD = 0x06054b50;
  private static final int CEN = 0x02014b50;

  /** One entry of the central directory. */
  record Entry(String name, long size) {
    boolean isFolder() {
      return name.endsWith("/");
    }
  }

  /** The jar cannot be listed unambiguously. */
  static final class InvalidJarException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidJarException(String message) {
      super(Objects.requireNonNull(message, "message"));
    }

    @Override
    public String getMessage() {
      return Objects.requireNonNull(super.getMessage());
    }
  }

  /** Random access to the jar's bytes. */
  interface Bytes {
    long size() throws IOException;

    /** Fills {@code dst} from {@code at}, or throws {@link EOFException}. */
    void readFully(ByteBuffer dst, long at) throws IOException;

    static Bytes of(FileChannel ch) {
      return new Bytes() {
        @Override
        public long size() throws IOException {
          return ch.size();
        }

        @Override
        public void readFully(ByteBuffer dst, long at) throws IOException {
          long p = at;
          while (dst.hasRemaining()) {
            int n = ch.read(dst, p);
            if (n < 0) {
              throw new EOFException("jar ended at " + p);
            }
            p += n;
          }
        }
      };
    }

    static Bytes of(byte[] b) {
      return new Bytes() {
        @Override
        public long size() {
          return b.length;
        }

        @Override
        public void readFully(ByteBuffer dst, long at) throws IOException {
          if (at < 0 || at + dst.remaining() > b.length) {
            throw new EOFException("jar ended at " + b.length);
          }
          dst.put(b, (int) at, dst.remaining());
        }
      };
    }
  }

  private JarDirectory() {}

  /** Every entry in the central directory, in its order (folders included). */
  static List<Entry> read(Bytes jar, long maxDirectoryBytes)
      throws IOException, InvalidJarException {
    long size = jar.size();
    if (size < 22) {
      throw new InvalidJarException("too short for a jar: " + size + " bytes");
    }
    int tailLength = (int) Math.min(size, MAX_TAIL);
    long tailStart = size - tailLength;
    ByteBuffer tail = ByteBuffer.allocate(tailLength).order(ByteOrder.LITTLE_ENDIAN);
    jar.readFully(tail, tailStart);
    int end = -1;
    for (int i = tailLength - 22; i >= 0; i--) {
      if (tail.getInt(i) == EOCD && i + 22 + u16(tail, i + 20) == tailLength) {
        if (end >= 0) {
          throw new InvalidJarException("two end records reach the end of the file");
        }
        end = i;
      }
    }
    if (end < 0) {
      throw new InvalidJarException("no end of central directory record");
    }
    int disk = u16(tail, end + 4);
    int cdDisk = u16(tail, end + 6);
    int onDisk = u16(tail, end + 8);
    int total = u16(tail, end + 10);
    long cdSize = u32(tail, end + 12);
    long cdOffset = u32(tail, end + 16);
    if (onDisk == 0xFFFF || total == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
      throw new InvalidJarException("a ZIP64 jar (not read for class-path sources)");
    }
    if (disk != 0 || cdDisk != 0 || onDisk != total) {
      throw new InvalidJarException("a jar split over disks");
    }
    long endOffset = tailStart + end;
    if (cdOffset + cdSize != endOffset) {
      throw new InvalidJarException(
          "the central directory ("
              + cdOffset
              + " + "
              + cdSize
              + ") does not end at the end record ("
              + endOffset
              + ")");
    }
    if (cdSize > maxDirectoryBytes) {
      throw new InvalidJarException(
          "central directory of " + cdSize + " bytes is over the limit of " + maxDirectoryBytes);
    }
    ByteBuffer cd = ByteBuffer.allocate((int) cdSize).order(ByteOrder.LITTLE_ENDIAN);
    jar.readFully(cd, cdOffset);
    cd.flip();
    List<Entry> entries = new ArrayList<>(Math.min(total, 4096));
    var utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < total; i++) {
      int at = cd.position();
      if (cd.remaining() < 46 || cd.getInt(at) != CEN) {
        throw new InvalidJarException("central directory entry " + i + " is damaged");
      }
      int flags = u16(cd, at + 8);
      int method = u16(cd, at + 10);
      long compressed = u32(cd, at + 20);
      long size0 = u32(cd, at + 24);
      int nameLength = u16(cd, at + 28);
      int extraLength = u16(cd, at + 30);
      int commentLength = u16(cd, at + 32);
      long local = u32(cd, at + 42);
      int length = 46 + nameLength + extraLength + commentLength;
      if (cd.remaining() < length) {
        throw new InvalidJarException("central directory entry " + i + " is truncated");
      }
      if ((flags & 0x41) != 0) {
        throw new InvalidJarException("entry " + i + " is encrypted");
      }
      if (method != 0 && method != 8) {
        throw new InvalidJarException("entry " + i + " uses compression method " + method);
      }
      if (compressed == 0xFFFFFFFFL || size0 == 0xFFFFFFFFL || local == 0xFFFFFFFFL) {
        throw new InvalidJarException("entry " + i + " is a ZIP64 entry");
      }
      if (local >= cdOffset) {
        throw new InvalidJarException("entry " + i + " has no local header before the directory");
      }
      String name;
      try {
        CharBuffer chars = utf8.decode(cd.slice(at + 46, nameLength));
        name = chars.toString();
      } catch (CharacterCodingException e) {
        throw new InvalidJarException("entry " + i + " has a name that is not UTF-8");
      }
      entries.add(new Entry(name, size0));
      cd.position(at + length);
    }
    if (cd.hasRemaining()) {
      throw new InvalidJarException(
          cd.remaining() + " bytes in the central directory after its " + total + " entries");
    }
    return entries;
  }

  private static int u16(ByteBuffer b, int at) {
    return Short.toUnsignedInt(b.getShort(at));
  }

  private static long u32(ByteBuffer b, int at) {
    return Integer.toUnsignedLong(b.getInt(at));
  }
}
