package dev.safeload.formats.zip;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A raw zip writer for tests: writes exactly the structures asked for, including every kind of
 * inconsistency the strict reader must reject. Not a general-purpose zip library.
 */
public final class TestZip {

  /** One entry; fields are public so that tests can corrupt them. */
  public static final class Entry {
    public String name;
    public byte[] data;
    public String localName;
    public int flags = 0x0800;
    public int localFlags = -1;
    public int method = 0;
    public Integer crcOverride;
    public boolean descriptor;
    public byte[] localExtra = new byte[0];
    public byte[] centralExtra = new byte[0];
    public byte[] comment = new byte[0];

    /** Written only in the central directory, pointing at {@link #lho}. */
    public boolean centralOnly;

    public long lho = -1;
    public long declaredSize = -1;

    /** Bytes appended after the (compressed) data, counted in the compressed size. */
    public byte[] compressedSuffix = new byte[0];

    /** Disk number written in the central directory. */
    public int disk;

    byte[] stored;
    long offset;

    Entry(String name, byte[] data) {
      this.name = name;
      this.data = data;
      this.localName = name;
    }
  }

  public final List<Entry> entries = new ArrayList<>();
  public byte[] prefix = new byte[0];
  public byte[] suffix = new byte[0];
  public byte[] comment = new byte[0];

  /** Bytes written between the last entry and the central directory. */
  public byte[] gap = new byte[0];

  public boolean zip64;
  public long zip64EntryCountOverride = -1;

  public Entry add(String name, byte[] data) {
    Entry e = new Entry(name, data);
    entries.add(e);
    return e;
  }

  public Entry addDeflated(String name, byte[] data) {
    Entry e = add(name, data);
    e.method = 8;
    return e;
  }

  static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  static int crc(byte[] data) {
    CRC32 c = new CRC32();
    c.update(data);
    return (int) c.getValue();
  }

  /** The local header (and data) an entry would get, for hiding inside another entry. */
  public static byte[] localRecord(String name, byte[] data) {
    ByteBuffer b =
        ByteBuffer.allocate(30 + name.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    b.putInt(0x04034b50)
        .putShort((short) 20)
        .putShort((short) 0x0800)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putInt(crc(data))
        .putInt(data.length)
        .putInt(data.length)
        .putShort((short) n.length)
        .putShort((short) 0)
        .put(n)
        .put(data);
    return b.array();
  }

  public byte[] build() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix);
    for (Entry e : entries) {
      byte[] packed = e.method == 8 ? deflate(e.data) : e.data;
      e.stored = new byte[packed.length + e.compressedSuffix.length];
      System.arraycopy(packed, 0, e.stored, 0, packed.length);
      System.arraycopy(e.compressedSuffix, 0, e.stored, packed.length, e.compressedSuffix.length);
      if (e.centralOnly) {
        e.offset = e.lho;
        continue;
      }
      e.offset = out.size();
      int c = e.crcOverride != null ? e.crcOverride : crc(e.data);
      byte[] ln = e.localName.getBytes(StandardCharsets.UTF_8);
      ByteBuffer h = le(30);
      boolean z = zip64;
      h.putInt(0x04034b50)
          .putShort((short) 20)
          .putShort((short) (e.localFlags >= 0 ? e.localFlags : e.flags))
          .putShort((short) e.method)
          .putShort((short) 0)
          .putShort((short) 0);
      if (e.descriptor) {
        h.putInt(0).putInt(0).putInt(0);
      } else {
        h.putInt(c)
            .putInt(e.stored.length)
            .putInt(e.declaredSize >= 0 ? (int) e.declaredSize : e.data.length);
      }
      h.putShort((short) ln.length).putShort((short) e.localExtra.length);
      out.writeBytes(h.array());
      out.writeBytes(ln);
      out.writeBytes(e.localExtra);
      out.writeBytes(e.stored);
      if (e.descriptor) {
        ByteBuffer d = le(16);
        d.putInt(0x08074b50).putInt(c).putInt(e.stored.length).putInt(e.data.length);
        out.writeBytes(d.array());
      }
      if (z) {
        // nothing: ZIP64 only in the end records for these tests
      }
    }
    out.writeBytes(gap);
    long cdStart = out.size();
    for (Entry e : entries) {
      byte[] n = e.name.getBytes(StandardCharsets.UTF_8);
      int c = e.crcOverride != null ? e.crcOverride : crc(e.data);
      ByteBuffer h = le(46);
      h.putInt(0x02014b50)
          .putShort((short) 20)
          .putShort((short) 20)
          .putShort((short) e.flags)
          .putShort((short) e.method)
          .putShort((short) 0)
          .putShort((short) 0)
          .putInt(c)
          .putInt(e.stored.length)
          .putInt(e.declaredSize >= 0 ? (int) e.declaredSize : e.data.length)
          .putShort((short) n.length)
          .putShort((short) e.centralExtra.length)
          .putShort((short) e.comment.length)
          .putShort((short) e.disk)
          .putShort((short) 0)
          .putInt(0)
          .putInt((int) e.offset);
      out.writeBytes(h.array());
      out.writeBytes(n);
      out.writeBytes(e.centralExtra);
      out.writeBytes(e.comment);
    }
    long cdEnd = out.size();
    if (zip64) {
      long z64 = out.size();
      ByteBuffer r = le(56);
      long count = zip64EntryCountOverride >= 0 ? zip64EntryCountOverride : entries.size();
      r.putInt(0x06064b50)
          .putLong(44)
          .putShort((short) 45)
          .putShort((short) 45)
          .putInt(0)
          .putInt(0)
          .putLong(count)
          .putLong(count)
          .putLong(cdEnd - cdStart)
          .putLong(cdStart);
      out.writeBytes(r.array());
      ByteBuffer l = le(20);
      l.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
      out.writeBytes(l.array());
    }
    ByteBuffer end = le(22);
    end.putInt(0x06054b50)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) entries.size())
        .putShort((short) entries.size())
        .putInt((int) (cdEnd - cdStart))
        .putInt((int) cdStart)
        .putShort((short) comment.length);
    out.writeBytes(end.array());
    out.writeBytes(comment);
    out.writeBytes(suffix);
    return out.toByteArray();
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
