package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The jar central-directory listing behind class-path sources: each rule refuses, in order. */
class JarDirectoryTest {
  static byte[] jar(String... names) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(b)) {
      for (String n : names) {
        out.putNextEntry(new ZipEntry(n));
        out.write(n.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return b.toByteArray();
  }

  private static List<JarDirectory.Entry> read(byte[] b) throws Exception {
    return JarDirectory.read(JarDirectory.Bytes.of(b), 1 << 20);
  }

  private static String refusal(byte[] b) {
    return assertThrows(JarDirectory.InvalidJarException.class, () -> read(b)).getMessage();
  }

  /** Offset of the end record in a jar written without a comment. */
  private static int end(byte[] b) {
    return b.length - 22;
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void listsNamesAndSizesInOrder() throws Exception {
    List<JarDirectory.Entry> entries = read(jar("a/", "a/b.json", "c.onnx"));
    assertEquals(
        List.of(
            new JarDirectory.Entry("a/", 2),
            new JarDirectory.Entry("a/b.json", 8),
            new JarDirectory.Entry("c.onnx", 6)),
        entries);
    assertTrue(entries.get(0).isFolder());
  }

  @Test
  void tooShort() {
    assertTrue(refusal(new byte[21]).contains("too short"));
  }

  @Test
  void trailingBytesLeaveNoEndRecordAtTheEnd() throws Exception {
    byte[] b = jar("a");
    assertTrue(refusal(java.util.Arrays.copyOf(b, b.length + 1)).contains("no end"));
  }

  @Test
  void twoEndRecordsReachingTheEnd() throws Exception {
    byte[] b = jar("a");
    // A comment that is itself an end record with an empty comment: both reach the end.
    byte[] two = java.util.Arrays.copyOf(b, b.length + 22);
    System.arraycopy(b, end(b), two, b.length, 22);
    le(two).putShort(end(b) + 20, (short) 22);
    assertTrue(refusal(two).contains("two end records"));
  }

  @Test
  void zip64Marker() throws Exception {
    byte[] b = jar("a");
    le(b).putShort(end(b) + 10, (short) 0xFFFF).putShort(end(b) + 8, (short) 0xFFFF);
    assertTrue(refusal(b).contains("ZIP64"));
  }

  @Test
  void splitOverDisks() throws Exception {
    byte[] b = jar("a");
    le(b).putShort(end(b) + 4, (short) 1);
    assertTrue(refusal(b).contains("disks"));
  }

  @Test
  void directoryNotEndingAtTheEndRecord() throws Exception {
    byte[] b = jar("a");
    ByteBuffer bb = le(b);
    bb.putInt(end(b) + 16, bb.getInt(end(b) + 16) - 1);
    assertTrue(refusal(b).contains("does not end"));
  }

  @Test
  void directoryOverTheLimit() throws Exception {
    byte[] b = jar("a");
    assertThrows(
        JarDirectory.InvalidJarException.class,
        () -> JarDirectory.read(JarDirectory.Bytes.of(b), 10));
  }

  @Test
  void moreEntriesDeclaredThanPresent() throws Exception {
    byte[] b = jar("a");
    le(b).putShort(end(b) + 8, (short) 2).putShort(end(b) + 10, (short) 2);
    assertTrue(refusal(b).contains("damaged") || refusal(b).contains("truncated"));
  }

  @Test
  void fewerEntriesDeclaredThanPresent() throws Exception {
    byte[] b = jar("a", "b");
    le(b).putShort(end(b) + 8, (short) 1).putShort(end(b) + 10, (short) 1);
    assertTrue(refusal(b).contains("after its 1 entries"));
  }

  private static int central(byte[] b) {
    return le(b).getInt(end(b) + 16);
  }

  @Test
  void encryptedEntry() throws Exception {
    byte[] b = jar("a");
    ByteBuffer bb = le(b);
    bb.putShort(central(b) + 8, (short) (bb.getShort(central(b) + 8) | 1));
    assertTrue(refusal(b).contains("encrypted"));
  }

  @Test
  void unknownCompressionMethod() throws Exception {
    byte[] b = jar("a");
    le(b).putShort(central(b) + 10, (short) 12);
    assertTrue(refusal(b).contains("method 12"));
  }

  @Test
  void zip64Entry() throws Exception {
    byte[] b = jar("a");
    le(b).putInt(central(b) + 24, -1);
    assertTrue(refusal(b).contains("ZIP64 entry"));
  }

  @Test
  void localHeaderAfterTheDirectory() throws Exception {
    byte[] b = jar("a");
    le(b).putInt(central(b) + 42, central(b));
    assertTrue(refusal(b).contains("no local header"));
  }

  @Test
  void nameThatIsNotUtf8() throws Exception {
    byte[] b = jar("a");
    b[central(b) + 46] = (byte) 0xC3; // a lead byte with no continuation
    assertTrue(refusal(b).contains("not UTF-8"));
  }
}
