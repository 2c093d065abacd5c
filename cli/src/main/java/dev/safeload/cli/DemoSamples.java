package dev.safeload.cli;

import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The files {@code safeload demo} scans, generated here byte by byte so the demo needs no downloads
 * and no Python. Each sample says what it is and whether a safe loader must refuse it.
 */
final class DemoSamples {
  private DemoSamples() {}

  /**
   * One sample.
   *
   * @param file the file name written to the demo directory
   * @param what what the file is, for the table
   * @param reason for a malicious sample, the finding it must be rejected with (rejected for any
   *     other reason, the sample would be caught by accident); null for a benign sample
   * @param bytes its content
   */
  record Sample(String file, String what, @Nullable ReasonCode reason, byte[] bytes) {
    /** Whether a safe loader must refuse it. */
    boolean malicious() {
      return reason != null;
    }
  }

  static List<Sample> all() {
    byte[] validSafetensors =
        safetensors(
            "{\"__metadata__\":{\"format\":\"pt\"},\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}",
            16);
    return List.of(
        new Sample(
            "model.safetensors", "valid safetensors, one F32 tensor", null, validSafetensors),
        new Sample("array.npy", "valid NumPy array, float32 2x2", null, npy("<f4", "(2, 2)", 16)),
        new Sample("plain.pkl", "pickle of a plain dict, no imports", null, plainPickle()),
        new Sample(
            "duplicate-key.safetensors",
            "safetensors, tensor name given twice",
            FormatReason.SAFETENSORS_DUPLICATE_KEY,
            safetensors(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                8)),
        new Sample(
            "overlap.safetensors",
            "safetensors, two tensors share bytes",
            FormatReason.SAFETENSORS_OVERLAP,
            safetensors(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                12)),
        new Sample(
            "header-past-eof.safetensors",
            "safetensors, header length past the end",
            FormatReason.SAFETENSORS_HEADER_LENGTH_INVALID,
            headerPastEof()),
        new Sample(
            "payload.pkl",
            "pickle calling os.system via GLOBAL+REDUCE",
            FormatReason.PICKLE_GLOBAL_NOT_ALLOWED,
            maliciousPickle()),
        // Caught for its content, not only for its name.
        new Sample(
            "weights.npy",
            "a pickle payload named .npy",
            FormatReason.PICKLE_GLOBAL_NOT_ALLOWED,
            maliciousPickle()),
        new Sample(
            "weights.gguf",
            "valid safetensors renamed to .gguf",
            Reason.EXTENSION_MISMATCH,
            validSafetensors),
        new Sample(
            "traversal.pt",
            "zip (PyTorch-style) with a ../ entry name",
            FormatReason.ZIP_NAME_INVALID,
            traversalZip()));
  }

  /** An 8-byte little-endian header length, the header padded with spaces to 8 bytes, then data. */
  static byte[] safetensors(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(h);
    for (int i = h.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    for (int i = 0; i < dataBytes; i++) {
      b.put((byte) i);
    }
    return b.array();
  }

  private static byte[] headerPastEof() {
    byte[] h =
        "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}"
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 1).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(1_000_000).put(h).put((byte) 0);
    return b.array();
  }

  /**
   * NumPy format 1.0: magic, version, header dict padded to 64 bytes with a final newline, data.
   */
  static byte[] npy(String descr, String shape, int dataBytes) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93)
        .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 1)
        .put((byte) 0)
        .putShort((short) header.length())
        .put(header.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < dataBytes; i++) {
      b.put((byte) 0);
    }
    return b.array();
  }

  /** Protocol 2: {@code {'a': 1}} — EMPTY_DICT, BINUNICODE, BININT1, SETITEM, STOP. */
  private static byte[] plainPickle() {
    return new byte[] {(byte) 0x80, 2, '}', 'X', 1, 0, 0, 0, 'a', 'K', 1, 's', '.'};
  }

  /**
   * Protocol 2: GLOBAL os.system, a string argument, TUPLE1, REDUCE, STOP — runs a command on load.
   */
  private static byte[] maliciousPickle() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80);
    out.write(2);
    out.writeBytes("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
    byte[] cmd = "echo owned".getBytes(StandardCharsets.US_ASCII);
    out.write('X');
    out.writeBytes(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(cmd.length).array());
    out.writeBytes(cmd);
    out.write(0x85); // TUPLE1
    out.write('R'); // REDUCE
    out.write('.'); // STOP
    return out.toByteArray();
  }

  /** A zip whose second entry climbs out of the extraction directory. */
  private static byte[] traversalZip() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("archive/data.pkl"));
      zip.write(plainPickle());
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("../../../../tmp/evil.sh"));
      zip.write("#!/bin/sh\necho owned\n".getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
