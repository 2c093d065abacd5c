package dev.safeload.formats.readers;

import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.nio.ByteBuffer;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * ONNX Runtime given a model as bytes ({@code InferenceSession(bytes)} in Python, {@code
 * createSession(byte[])} or {@code (ByteBuffer)} in Java: how an application uses what
 * COPY_TO_MEMORY delivery serves). Whatever the file is called, ORT reads a buffer of more than 8
 * bytes whose bytes 4 to 7 are the flatbuffer identifier {@code ORTM} as an ORT-format model
 * ({@code IsOrtFormatModelBytes}) and never falls back to ONNX. An ONNX protobuf can hold those
 * bytes there (a {@code producer_name} that starts with them follows {@code ir_version}), and the
 * flatbuffer's root offset, bytes 0 to 3, can point into an initializer's raw data: ORT then runs a
 * graph that the ONNX handler never read. From a path ORT decides by the {@code .ort} extension
 * instead, a name safeload refuses.
 */
public final class OrtFormatReader implements SecondReader {
  private static final byte[] IDENTIFIER = {'O', 'R', 'T', 'M'};

  @Override
  public String id() {
    return "onnxruntime";
  }

  @Override
  public Set<String> formats() {
    return Set.of(); // no handler reads the ORT format
  }

  @Override
  public @Nullable String opens(ModelBytes bytes) {
    if (bytes.size() <= 8) {
      return null;
    }
    ByteBuffer b = bytes.slice(4, IDENTIFIER.length);
    for (int i = 0; i < IDENTIFIER.length; i++) {
      if (b.get(i) != IDENTIFIER[i]) {
        return null;
      }
    }
    return "an ORT-format model (the flatbuffer identifier 'ORTM' at offset 4) when given bytes";
  }
}
