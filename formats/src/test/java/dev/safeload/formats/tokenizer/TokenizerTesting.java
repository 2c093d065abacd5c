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
