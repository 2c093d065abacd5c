package dev.safeload.formats.internal.template;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.gguf.ChatTemplatePins;
import dev.safeload.formats.gguf.Gguf;
import dev.safeload.formats.internal.json.JsonReader;
import dev.safeload.formats.internal.json.JsonReader.Token;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ValidationContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where chat templates live and how each is judged, shared by every handler that finds one (GGUF
 * metadata, {@code tokenizer_config.json} and other JSON side files, {@code chat_template.jinja},
 * {@code chat_template.json}): the same pins, the same policy, the same codes.
 */
public final class TemplateSources {
  private TemplateSources() {}

  /** A template and the name it is selected by ({@code null} for the default template). */
  public record Named(@org.jspecify.annotations.Nullable String name, String text) {}

  /**
   * Template names as renderers use them in file names and keys (CVE-2024-56201 ran code through a
   * template name with f-string syntax).
   */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private static final byte[] NAME_KEY = "name".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TEMPLATE_KEY = "template".getBytes(StandardCharsets.US_ASCII);

  /**
   * Whether a tokenizer may declare a named special token {@code name} ({@code
   * extra_special_tokens}, {@code model_specific_special_tokens}): transformers passes every named
   * special token to chat templates as a variable, and the policy reads only these names as the
   * publisher's text rather than the application's data.
   */
  public static boolean isSpecialTokenName(String name) {
    return TemplatePolicy.isPublisherName(name);
  }

  /** Whether a named template's name is acceptable. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  /**
   * Reads a {@code chat_template} value, the reader positioned just after its key: a string (the
   * default template), null (none), or an array of {@code {"name": …, "template": …}} objects with
   * distinct valid names (transformers' format for several templates).
   *
   * @throws FormatException {@code TEMPLATE_CONTAINER_INVALID} for any other shape
   */
  public static List<Named> readJsonValue(JsonReader r) {
    Token t = r.next();
    if (t == Token.STRING) {
      return List.of(new Named(null, r.stringValue()));
    }
    if (t == Token.NULL) {
      return List.of();
    }
    if (t != Token.BEGIN_ARRAY) {
      throw invalid(
          r, "chat_template must be a string or a list of {\"name\", \"template\"} objects");
    }
    List<Named> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (t = r.next(); t != Token.END_ARRAY; t = r.next()) {
      if (t != Token.BEGIN_OBJECT) {
        throw invalid(r, "each chat_template list entry must be an object");
      }
      String name = null;
      String text = null;
      for (t = r.next(); t != Token.END_OBJECT; t = r.next()) {
        boolean isName = r.tokenEquals(NAME_KEY);
        if (!isName && !r.tokenEquals(TEMPLATE_KEY)) {
          throw invalid(r, "unexpected key in a chat_template list entry");
        }
        if (r.next() != Token.STRING) {
          throw invalid(r, "chat_template entry name and template must be strings");
        }
        if (isName) {
          name = r.stringValue();
        } else {
          text = r.stringValue();
        }
      }
      if (name == null || text == null) {
        throw invalid(r, "a chat_template list entry needs both name and template");
      }
      if (!validName(name)) {
        throw invalid(r, "chat template name is empty, too long or not [A-Za-z0-9_.-]");
      }
      if (!names.add(name)) {
        throw invalid(r, "chat template name " + name + " appears twice");
      }
      out.add(new Named(name, text));
    }
    return out;
  }

  private static FormatException invalid(JsonReader r, String message) {
    return new FormatException(FormatReason.TEMPLATE_CONTAINER_INVALID, r.tokenOffset(), message);
  }

  /** Lower-case hex SHA-256 of the template's UTF-8 text, as pins name templates. */
  public static String sha256(String text) {
    return Sha256.hash(text.getBytes(StandardCharsets.UTF_8)).hex();
  }

  /**
   * Judges one template and reports any finding: when the policy pins template digests ({@link
   * Gguf#ALLOWED_CHAT_TEMPLATES}) a pinned template is accepted as is and any other is {@code
   * notPinned}; without pins the template must pass {@link ChatTemplates#check}. Records the digest
   * under {@code sha256(<where>)} in {@code metadata}.
   *
   * @param where the template's place, e.g. {@code tokenizer.chat_template.tool_use}
   * @param sha256 the digest of its UTF-8 text
   * @param notPinned the code for a template the pins do not cover
   */
  public static void judge(
      String where,
      String text,
      String sha256,
      ValidationContext context,
      ReasonCode notPinned,
      Map<String, String> metadata) {
    metadata.put("sha256(" + where + ")", sha256);
    ChatTemplatePins pins = context.setting(Gguf.ALLOWED_CHAT_TEMPLATES);
    if (!pins.isEmpty()) {
      if (!pins.contains(sha256)) {
        context.report(
            notPinned, -1, where + " has SHA-256 " + sha256 + ", which the policy does not pin");
      }
      return; // a pinned template is trusted as is
    }
    try {
      ChatTemplates.check(text);
    } catch (TemplateRejection e) {
      context.report(e.reason(), -1, where + " (SHA-256 " + sha256 + "): " + e.getMessage());
    }
  }

  /**
   * {@link #judge} for templates read from a JSON file, labelled {@code chat_template[.<name>]}.
   */
  public static void judgeAll(
      List<Named> templates, ValidationContext context, Map<String, String> metadata) {
    for (Named t : templates) {
      String where = t.name() == null ? "chat_template" : "chat_template." + t.name();
      judge(where, t.text(), sha256(t.text()), context, FormatReason.TEMPLATE_NOT_PINNED, metadata);
    }
  }
}
