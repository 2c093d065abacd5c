package dev.safeload.formats.template;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.json.JsonException;
import dev.safeload.formats.internal.json.JsonLimits;
import dev.safeload.formats.internal.json.JsonReader;
import dev.safeload.formats.internal.json.JsonReader.Token;
import dev.safeload.formats.internal.template.TemplateSources;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates chat template files (id {@code chat-template}): {@code chat_template.jinja} and any
 * {@code .jinja} file (such as {@code additional_chat_templates/<name>.jinja}) as strict UTF-8
 * Jinja text, and the legacy {@code chat_template.json}, a JSON object whose {@code chat_template}
 * member is a template string or a list of {@code {"name", "template"}} objects. Every template is
 * judged by the chat-template policy (the {@code TEMPLATE_*} codes) unless the policy pins template
 * digests ({@link dev.safeload.formats.gguf.Gguf#ALLOWED_CHAT_TEMPLATES}), in which case it must be
 * pinned ({@code TEMPLATE_NOT_PINNED}). Each template's SHA-256 is described under {@code
 * sha256(chat_template[.<name>])}. A {@code .jinja} file's name (the template's name for renderers
 * that load {@code additional_chat_templates/<name>.jinja}) must be {@code
 * [A-Za-z0-9_.-]{1,64}.jinja}.
 *
 * <p>A template has no magic bytes, so the handler is chosen by file name only: {@link #detect}
 * never claims content.
 */
public final class ChatTemplateHandler implements FormatHandler {

  /** Largest template file: beyond the policy's template length even in 4-byte characters. */
  private static final long MAX_TEXT_BYTES = 1L << 20;

  private static final byte[] CHAT_TEMPLATE = "chat_template".getBytes(StandardCharsets.US_ASCII);

  /** Creates the handler (found through {@link java.util.ServiceLoader}). */
  public ChatTemplateHandler() {}

  @Override
  public String id() {
    return "chat-template";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("jinja");
  }

  @Override
  public Set<String> fileNames() {
    return Set.of("chat_template.jinja", "chat_template.json");
  }

  /**
   * Never: Jinja text has no signature, and chat_template.json is JSON by content. Names decide.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return Confidence.NONE;
  }

  /**
   * Validation checks everything: UTF-8, the container, the template. Names alone bring files here.
   */
  @Override
  public boolean validatesByNameAlone() {
    return true;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    String name = context.fileName();
    String base = name.substring(name.lastIndexOf('/') + 1);
    Map<String, String> metadata = new LinkedHashMap<>();
    // The engine matches well-known names case-folded (a case-insensitive file system serves
    // Chat_Template.JSON for chat_template.json), so the container is chosen folded too.
    String folded = base.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    if (folded.endsWith(".json")) {
      TemplateSources.judgeAll(readJson(bytes, context), context, metadata);
    } else {
      String stem =
          folded.endsWith(".jinja") ? base.substring(0, base.length() - ".jinja".length()) : base;
      if (!TemplateSources.validName(stem)) {
        // renderers turn the file name into the template's name (CVE-2024-56201 ran code through
        // one)
        throw new FormatException(
            FormatReason.TEMPLATE_CONTAINER_INVALID,
            0,
            "template file name " + base + " is not [A-Za-z0-9_.-]{1,64}.jinja");
      }
      String text = readText(bytes);
      TemplateSources.judge(
          "chat_template",
          text,
          TemplateSources.sha256(text),
          context,
          FormatReason.TEMPLATE_NOT_PINNED,
          metadata);
    }
    return new ModelDescription(id(), List.of(), metadata, List.of());
  }

  private static String readText(ModelBytes bytes) {
    if (bytes.size() > MAX_TEXT_BYTES) {
      throw new FormatException(
          FormatReason.TEMPLATE_TOO_COMPLEX,
          0,
          "template file of " + bytes.size() + " bytes exceeds " + MAX_TEXT_BYTES);
    }
    byte[] raw = new byte[(int) bytes.size()];
    bytes.slice(0, raw.length).get(0, raw);
    String text = Utf8.decodeOrNull(raw);
    if (text == null) {
      throw new FormatException(
          FormatReason.TEMPLATE_SYNTAX, 0, "template file is not valid UTF-8");
    }
    return text;
  }

  /**
   * {@code {"chat_template": …}}: other top-level members are ignored, the template is required.
   */
  private static List<TemplateSources.Named> readJson(ModelBytes bytes, ValidationContext context) {
    JsonLimits.checkSize(bytes, context);
    JsonReader r = new JsonReader(bytes.slice(0, (int) bytes.size()), 0, JsonLimits.of(context));
    try {
      if (r.next() != Token.BEGIN_OBJECT) {
        throw new FormatException(
            FormatReason.TEMPLATE_CONTAINER_INVALID, 0, "chat_template.json must be a JSON object");
      }
      List<TemplateSources.Named> found = null;
      for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
        if (r.tokenEquals(CHAT_TEMPLATE)) {
          found = TemplateSources.readJsonValue(r);
        } else {
          r.skipValue();
        }
      }
      if (r.next() != Token.END_DOCUMENT) {
        throw new FormatException(
            FormatReason.JSON_INVALID, r.offset(), "content after the JSON value");
      }
      if (found == null) {
        throw new FormatException(
            FormatReason.TEMPLATE_CONTAINER_INVALID, 0, "chat_template.json has no chat_template");
      }
      return found;
    } catch (JsonException e) {
      throw e.asJsonFinding();
    }
  }
}
