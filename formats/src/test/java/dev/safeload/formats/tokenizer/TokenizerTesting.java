package dev.safeload.formats.tokenizer;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.Setting;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Calls handlers directly, as the engine would, and collects reason codes. */
final class TokenizerTesting {
  private TokenizerTesting() {}

  static byte[] resource(String name) {
    try (InputStream in = TokenizerTesting.class.getResourceAsStream("/tokenizer/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<ReasonCode> reasons(FormatHandler h, byte[] bytes) {
    return reasons(h, bytes, LoadPolicy.strict());
  }

  static List<ReasonCode> reasons(FormatHandler h, byte[] bytes, LoadPolicy policy) {
    List<Finding> sink = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting("f", policy, sink);
    try {
      h.validate(ModelBytes.of(ByteBuffer.wrap(bytes)), ctx);
    } catch (FormatException e) {
      ctx.report(e.reason(), e.offset(), e.getMessage());
    }
    return sink.stream().map(Finding::reason).toList();
  }

  static ModelDescription describe(FormatHandler h, byte[] bytes) {
    List<Finding> sink = new ArrayList<>();
    ModelDescription d =
        h.validate(
            ModelBytes.of(ByteBuffer.wrap(bytes)),
            ValidationContext.collecting("f", LoadPolicy.strict(), sink));
    if (!sink.isEmpty()) {
      throw new AssertionError(sink.toString());
    }
    return d;
  }

  static Confidence detect(FormatHandler h, byte[] bytes) {
    return h.detect(
        ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, 64 * 1024)).slice().asReadOnlyBuffer(),
        bytes.length);
  }

  static LoadPolicy with(Setting<Long> s, long v) {
    return LoadPolicy.strict().toBuilder().set(s, v).build();
  }

  /**
   * A precompiled charsmap as sentencepiece reads it: the trie size, the units little-endian, then
   * the strings.
   */
  static byte[] charsmap(int[] units, byte[] strings) {
    ByteBuffer b =
        ByteBuffer.allocate(4 + 4 * units.length + strings.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(4 * units.length);
    for (int u : units) {
      b.putInt(u);
    }
    return b.put(strings).array();
  }

  /**
   * The units of one block (256) that map "a" to the first string: the root's base is 0x80, the
   * node for 'a' is unit 0x80 ^ 0x61 with a leaf, its base 0x10 holds the leaf's value (verified
   * with sentencepiece 0.1.97: "aaa" normalizes to "bbb" with strings "b\0"). Unit 0x80 (the root's
   * base with byte 0) has label 0xff, as darts-clone labels unused units, so no byte reaches it.
   */
  static int[] mapsAToFirstString() {
    int[] u = new int[256];
    u[0] = 0x80 << 10;
    u[0x80] = 0xff;
    u[0xe1] = leafNode(0xe1, 0x10, 'a');
    u[0x10] = LEAF_VALUE;
    return u;
  }

  /** The leaf-value flag of a darts-clone unit. */
  static final int LEAF_VALUE = 1 << 31;

  /** A unit at {@code index} for byte {@code label}, with a leaf, whose children start at base. */
  static int leafNode(int index, int base, int label) {
    return (index ^ base) << 10 | 1 << 8 | label;
  }

  /** A minimal protobuf writer for crafted SentencePiece models. */
  static final class Pb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pb varint(int field, long v) {
      tag(field, 0);
      raw(v);
      return this;
    }

    Pb fixed32(int field, int v) {
      tag(field, 5);
      for (int i = 0; i < 4; i++) {
        out.write(v >>> (8 * i));
      }
      return this;
    }

    Pb f(int field, float v) {
      return fixed32(field, Float.floatToRawIntBits(v));
    }

    Pb bytes(int field, byte[] b) {
      tag(field, 2);
      raw(b.length);
      out.writeBytes(b);
      return this;
    }

    Pb str(int field, String s) {
      return bytes(field, utf8(s));
    }

    Pb msg(int field, Pb m) {
      return bytes(field, m.toBytes());
    }

    Pb tag(int field, int wireType) {
      raw((long) field << 3 | wireType);
      return this;
    }

    Pb raw(long v) {
      while ((v & ~0x7fL) != 0) {
        out.write((int) (v & 0x7f) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }

  /** A SentencePiece piece message. */
  static Pb piece(String text, float score, int type) {
    return new Pb().str(1, text).f(2, score).varint(3, type);
  }
}
