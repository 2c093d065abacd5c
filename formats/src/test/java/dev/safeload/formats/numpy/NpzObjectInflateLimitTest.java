package dev.safeload.formats.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.Scans;
import dev.safeload.formats.pickle.Pickle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object array in a deflated {@code .npz} member is held to {@code pickle.maxInflatedBytes}
 * before its bytes are collected, as a checkpoint's deflated {@code data.pkl} is: what a small
 * compressed file declares must not decide how much is allocated.
 */
class NpzObjectInflateLimitTest {
  @TempDir Path dir;

  static byte[] objectNpy(int dataBytes) {
    String dict = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length & 0xff);
    out.write(header.length >> 8);
    out.writeBytes(header);
    byte[] data = new byte[dataBytes];
    new Random(7).nextBytes(data); // incompressible: the ratio cap stays out of the way
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] npz(byte[] member, boolean deflate) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      ZipEntry e = new ZipEntry("a.npy");
      if (!deflate) {
        e.setMethod(ZipEntry.STORED);
        e.setSize(member.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(member);
        e.setCrc(crc.getValue());
      }
      z.putNextEntry(e);
      z.write(member);
      z.closeEntry();
    }
    return out.toByteArray();
  }

  @Test
  void aDeflatedObjectMemberOverTheInflateLimitIsRefusedBeforeItIsRead() throws IOException {
    LoadPolicy small =
        LoadPolicy.strict().toBuilder()
            .allowUnpinnedFiles()
            .set(Pickle.MAX_INFLATED_BYTES, 1024L)
            .build();
    Path f = Files.write(dir.resolve("objects.npz"), npz(objectNpy(4096), true));
    assertEquals(Set.of("PICKLE_LIMIT_EXCEEDED"), Scans.reasons(Scans.scan(f, small)));
  }

  @Test
  void aStoredMemberIsHeldToThePickleLimitOnly() throws IOException {
    LoadPolicy small =
        LoadPolicy.strict().toBuilder()
            .allowUnpinnedFiles()
            .set(Pickle.MAX_INFLATED_BYTES, 1024L)
            .build();
    Path f = Files.write(dir.resolve("objects.npz"), npz(objectNpy(4096), false));
    // Random bytes are no pickle: the machine, not the inflate limit, refuses it.
    Set<String> reasons = Scans.reasons(Scans.scan(f, small));
    assertEquals(false, reasons.contains("PICKLE_LIMIT_EXCEEDED"), reasons.toString());
  }
}
