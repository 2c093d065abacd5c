package dev.safeload.benchmarks;

import dev.safeload.spi.ModelBytes;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Synthetic safetensors headers shaped like a real mixture-of-experts checkpoint: per layer the
 * attention projections, two norms and 64 experts x 3 projections, names such as {@code
 * model.layers.17.mlp.experts.42.down_proj.weight}, BF16 with realistic shapes, JSON laid out as
 * the reference writer does (metadata first, keys in offset order, padded with spaces to a multiple
 * of 8).
 */
final class HeaderFixture {
  private HeaderFixture() {}

  /** The file's first 8 + N bytes; the data buffer is virtual (see {@link #modelBytes}). */
  record Header(byte[] prefixAndHeader, long dataLength) {
    int headerLength() {
      return prefixAndHeader.length - 8;
    }
  }

  static Header build(int tensors, boolean duplicateLast) {
    List<String> names = new ArrayList<>(tensors);
    List<long[]> shapes = new ArrayList<>(tensors);
    int hidden = 4096;
    int expert = 1408;
    for (int layer = 0; names.size() < tensors; layer++) {
      String p = "model.layers." + layer + ".";
      add(names, shapes, p + "input_layernorm.weight", hidden);
      add(names, shapes, p + "post_attention_layernorm.weight", hidden);
      add(names, shapes, p + "self_attn.q_proj.weight", hidden, hidden);
      add(names, shapes, p + "self_attn.k_proj.weight", 1024, hidden);
      add(names, shapes, p + "self_attn.v_proj.weight", 1024, hidden);
      add(names, shapes, p + "self_attn.o_proj.weight", hidden, hidden);
      for (int e = 0; e < 64; e++) {
        String x = p + "mlp.experts." + e + ".";
        add(names, shapes, x + "gate_proj.weight", expert, hidden);
        add(names, shapes, x + "up_proj.weight", expert, hidden);
        add(names, shapes, x + "down_proj.weight", hidden, expert);
      }
    }
    StringBuilder sb = new StringBuilder(tensors * 110);
    sb.append("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    for (int i = 0; i < tensors; i++) {
      long[] s = shapes.get(i);
      long bytes = 2;
      sb.append(",\"").append(names.get(i)).append("\":{\"dtype\":\"BF16\",\"shape\":[");
      for (int k = 0; k < s.length; k++) {
        sb.append(k == 0 ? "" : ",").append(s[k]);
        bytes *= s[k];
      }
      sb.append("],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + bytes)
          .append("]}");
      offset += bytes;
    }
    if (duplicateLast) {
      sb.append(",\"")
          .append(names.get(0))
          .append("\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset)
          .append("]}");
    }
    sb.append('}');
    while ((sb.length() % 8) != 0) {
      sb.append(' ');
    }
    byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    return new Header(b.array(), offset);
  }

  private static void add(List<String> names, List<long[]> shapes, String name, long... shape) {
    names.add(name);
    shapes.add(shape);
  }

  /**
   * The file as {@link ModelBytes}: the length prefix and header in a direct buffer (as the loader
   * holds them) and a data buffer of the declared length that is never read, so that headers of
   * terabyte-sized models can be benchmarked. Both parsers only read the header.
   */
  static ModelBytes modelBytes(ByteBuffer direct, long dataLength) {
    long size = direct.capacity() + dataLength;
    return new ModelBytes() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public byte get(long offset) {
        return direct.get(Math.toIntExact(offset));
      }

      @Override
      public ByteBuffer slice(long offset, int length) {
        Objects.checkFromIndexSize(offset, length, direct.capacity());
        return direct.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
      }

      @Override
      public InputStream openStream(long offset) {
        throw new UnsupportedOperationException("header-only bytes");
      }
    };
  }
}
