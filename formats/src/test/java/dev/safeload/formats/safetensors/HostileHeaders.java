package dev.safeload.formats.safetensors;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.json.JsonHandler;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link HostileHeadersTest} in a JVM with a 64 MiB heap: writes files whose headers declare
 * huge sizes, counts and depths, maps each (off-heap, so the file itself costs no heap) and prints
 * one line {@code case REASON} per file. Any exception or error other than a rejection is printed
 * as {@code case ERROR ...}, and an OutOfMemoryError kills the run.
 */
public final class HostileHeaders {
  private HostileHeaders() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    FormatHandler st = new SafetensorsHandler();
    run(
        dir,
        "st-length-near-cap-tiny-file",
        st,
        out -> {
          out.write(le(99_999_999L));
          out.write("{}".repeat(500).getBytes(StandardCharsets.US_ASCII));
        });
    run(
        dir,
        "st-length-2^64-1",
        st,
        out -> {
          out.write(le(-1L));
          out.write("{}".getBytes(StandardCharsets.US_ASCII));
        });
    run(
        dir,
        "st-shape-2^62x4",
        st,
        header(
            "{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],"
                + "\"data_offsets\":[0,16]}}",
            16));
    run(
        dir,
        "st-offsets-2^60-1",
        st,
        header(
            "{\"t\":{\"dtype\":\"U8\",\"shape\":[1152921504606846975],"
                + "\"data_offsets\":[0,1152921504606846975]}}",
            16));
    run(
        dir,
        "st-million-tensors",
        st,
        out -> {
          long n = 1;
          for (int pass = 0;
              pass < 2;
              pass++) { // the first pass only measures: the generator must not use the heap
            if (pass == 1) {
              out.write(le(n));
            }
            for (int i = 0; i < 1_000_000; i++) {
              byte[] b =
                  ((i == 0 ? "{" : ",")
                          + "\"model.layers."
                          + i
                          + ".w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}")
                      .getBytes(StandardCharsets.US_ASCII);
              if (pass == 0) {
                n += b.length;
              } else {
                out.write(b);
              }
            }
          }
          out.write('}');
        });
    run(
        dir,
        "st-deeply-nested-shape",
        st,
        nested("{\"t\":{\"dtype\":\"F32\",\"shape\":", 1_000_000, true));
    run(dir, "st-deeply-nested-metadata", st, nested("{\"__metadata__\":{\"a\":", 1_000_000, true));
    run(
        dir,
        "st-48MB-escaped-name",
        st,
        out -> {
          int k = 8_000_000;
          String tail = "\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}";
          out.write(le(2 + 6L * k + tail.length()));
          out.write("{\"".getBytes(StandardCharsets.US_ASCII));
          byte[] esc = "\\u0041".getBytes(StandardCharsets.US_ASCII);
          for (int i = 0; i < k; i++) {
            out.write(esc);
          }
          out.write(tail.getBytes(StandardCharsets.US_ASCII));
        });
    run(
        dir,
        "st-48MB-metadata-value",
        st,
        out -> {
          int k = 48_000_000;
          String head = "{\"__metadata__\":{\"a\":\"";
          out.write(le(head.length() + k + 3L));
          out.write(head.getBytes(StandardCharsets.US_ASCII));
          byte[] x = new byte[1 << 16];
          java.util.Arrays.fill(x, (byte) 'x');
          for (int i = 0; i < k; i += x.length) {
            out.write(x, 0, Math.min(x.length, k - i));
          }
          out.write("\"}}".getBytes(StandardCharsets.US_ASCII));
        });
    FormatHandler json = new JsonHandler();
    run(dir, "json-10M-nested-arrays", json, nested("", 10_000_000, false));
    run(
        dir,
        "json-1.5M-keys",
        json,
        out -> {
          out.write('{');
          for (int i = 0; i < 1_500_000; i++) {
            out.write(
                ((i == 0 ? "" : ",") + "\"k" + i + "\":0").getBytes(StandardCharsets.US_ASCII));
          }
          out.write('}');
        });
    FormatHandler index = new SafetensorsIndexHandler();
    run(
        dir,
        "index-1M-entries",
        index,
        out -> {
          out.write("{\"weight_map\":{".getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < 1_000_000; i++) {
            out.write(
                ((i == 0 ? "" : ",") + "\"model.layers." + i + ".w\":\"model.safetensors\"")
                    .getBytes(StandardCharsets.US_ASCII));
          }
          out.write("}}".getBytes(StandardCharsets.US_ASCII));
        });
    System.out.println("done");
  }

  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static void run(Path dir, String name, FormatHandler handler, Writer writer)
      throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      writer.write(out);
    }
    List<Finding> findings = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      ValidationContext ctx = ValidationContext.collecting(name, LoadPolicy.strict(), findings);
      long t0 = System.nanoTime();
      try {
        handler.validate(ModelBytes.of(map), ctx);
      } catch (FormatException e) {
        ctx.report(e.reason(), e.offset(), e.getMessage());
      } catch (RuntimeException | StackOverflowError e) {
        System.out.println(name + " ERROR " + e);
        return;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(
          name
              + " "
              + (findings.isEmpty() ? "ACCEPTED" : findings.get(0).reason().code())
              + " "
              + ms
              + "ms");
    } finally {
      Files.delete(file);
    }
  }

  private static Writer header(String json, int dataLength) {
    return out -> {
      byte[] h = json.getBytes(StandardCharsets.US_ASCII);
      out.write(le(h.length));
      out.write(h);
      out.write(new byte[dataLength]);
    };
  }

  private static Writer nested(String prefix, int depth, boolean lengthPrefix) {
    return out -> {
      if (lengthPrefix) {
        out.write(le(prefix.length() + 2L * depth));
      }
      out.write(prefix.getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < depth; i++) {
        out.write('[');
      }
      for (int i = 0; i < depth; i++) {
        out.write(']');
      }
    };
  }

  private static byte[] le(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }
}
