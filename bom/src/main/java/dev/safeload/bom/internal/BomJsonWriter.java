package dev.safeload.bom.internal;

import java.io.IOException;
import java.io.OutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * How both BOM writers put a document on a stream: ASCII JSON (non-ASCII escaped, so the same bytes
 * pass through any console charset; the CLI relies on it), one document followed by a newline,
 * flushed but not closed (the caller owns the stream), and a failing stream's own {@link
 * IOException} rather than Jackson's wrapper.
 */
final class BomJsonWriter {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .build();

  /** Writes one JSON document. */
  interface Document {
    void write(JsonGenerator g);
  }

  private BomJsonWriter() {}

  static void write(OutputStream out, Document document) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      document.write(g);
      g.writeRaw('\n');
      g.flush();
    } catch (JacksonException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }
}
