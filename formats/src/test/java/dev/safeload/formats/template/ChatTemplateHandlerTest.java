package dev.safeload.formats.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.Scans;
import dev.safeload.formats.gguf.ChatTemplatePins;
import dev.safeload.formats.gguf.Gguf;
import dev.safeload.formats.internal.template.TemplateSources;
import dev.safeload.formats.json.JsonHandler;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import dev.safeload.testing.SharedVectors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The template policy wherever a template lives outside GGUF: {@code chat_template.jinja}, {@code
 * chat_template.json} and a {@code tokenizer_config.json} {@code chat_template} (a string or a list
 * of named templates).
 */
class ChatTemplateHandlerTest {

  private static final ChatTemplateHandler TEMPLATES = new ChatTemplateHandler();
  private static final JsonHandler JSON = new JsonHandler();

  static List<Finding> findings(FormatHandler h, String fileName, byte[] bytes, LoadPolicy policy) {
    List<Finding> out = new ArrayList<>();
    try {
      h.validate(
          ModelBytes.of(ByteBuffer.wrap(bytes)),
          ValidationContext.collecting(fileName, policy, out));
    } catch (FormatException e) {
      out.add(new Finding(e.reason(), fileName, Math.max(-1, e.offset()), e.getMessage()));
    }
    return out;
  }

  static List<Finding> findings(FormatHandler h, String fileName, String content) {
    return findings(h, fileName, content.getBytes(StandardCharsets.UTF_8), LoadPolicy.strict());
  }

  static void assertOnly(ReasonCode expected, List<Finding> f, String what) {
    assertEquals(1, f.size(), () -> what + ": expected one finding, got " + f);
    assertEquals(expected, f.get(0).reason(), () -> what + ": " + f);
  }

  /** A JSON string literal holding {@code s}. */
  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String tokenizerConfig(String template) {
    return "{\"bos_token\": \"<s>\", \"chat_template\": "
        + json(template)
        + ", \"model_max_length\": 4096}";
  }

  static String namedList(String defaultTemplate, String toolUse) {
    return "[{\"name\": \"default\", \"template\": "
        + json(defaultTemplate)
        + "}, "
        + "{\"name\": \"tool_use\", \"template\": "
        + json(toolUse)
        + "}]";
  }

  // ---------------------------------------------------------------- every place refuses every
  // escape

  @ParameterizedTest
  @MethodSource("dev.safeload.formats.internal.template.TemplateEscapes#escapes")
  void refusedEverywhere(String template, ReasonCode expected) {
    assertOnly(
        expected, findings(TEMPLATES, "m/chat_template.jinja", template), "chat_template.jinja");
    assertOnly(
        expected,
        findings(TEMPLATES, "m/additional_chat_templates/tool_use.jinja", template),
        ".jinja");
    assertOnly(
        expected,
        findings(TEMPLATES, "m/chat_template.json", "{\"chat_template\": " + json(template) + "}"),
        "chat_template.json");
    assertOnly(
        expected,
        findings(JSON, "m/tokenizer_config.json", tokenizerConfig(template)),
        "tokenizer_config.json");
    assertOnly(
        expected,
        findings(
            JSON,
            "m/tokenizer_config.json",
            "{\"chat_template\": " + namedList("{{ messages }}", template) + "}"),
        "tokenizer_config.json list");
    assertOnly(
        expected,
        findings(
            TEMPLATES,
            "m/chat_template.json",
            "{\"chat_template\": " + namedList("{{ messages }}", template) + "}"),
        "chat_template.json list");
  }

  static Stream<Path> realTemplates() {
    return Scans.files(SharedVectors.dir("chat-templates/llama.cpp")).stream()
        .filter(p -> p.getFileName().toString().endsWith(".jinja"));
  }

  @ParameterizedTest
  @MethodSource("realTemplates")
  void realTemplatesAcceptedEverywhere(Path p) {
    String t = new String(Scans.read(p), StandardCharsets.UTF_8);
    assertEquals(List.of(), findings(TEMPLATES, "m/chat_template.jinja", t), "chat_template.jinja");
    assertEquals(
        List.of(),
        findings(TEMPLATES, "m/chat_template.json", "{\"chat_template\": " + json(t) + "}"));
    assertEquals(
        List.of(),
        findings(JSON, "m/tokenizer_config.json", tokenizerConfig(t)),
        "tokenizer_config.json");
    assertEquals(
        List.of(),
        findings(JSON, "m/tokenizer_config.json", "{\"chat_template\": " + namedList(t, t) + "}"));
  }

  // ---------------------------------------------------------------- containers

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"chat_template\": 5}",
        "{\"chat_template\": {\"default\": \"x\"}}",
        "{\"chat_template\": [\"x\"]}",
        "{\"chat_template\": [{\"name\": \"a\"}]}",
        "{\"chat_template\": [{\"template\": \"x\"}]}",
        "{\"chat_template\": [{\"name\": \"a\", \"template\": \"x\", \"extra\": 1}]}",
        "{\"chat_template\": [{\"name\": \"a\", \"template\": 1}]}",
        "{\"chat_template\": [{\"name\": \"\", \"template\": \"x\"}]}",
        "{\"chat_template\": [{\"name\": \"a{b}\", \"template\": \"x\"}]}",
        "{\"chat_template\": [{\"name\": \"a\", \"template\": \"x\"}, {\"name\": \"a\", \"template\": \"y\"}]}",
      })
  void malformedContainersRefused(String content) {
    assertOnly(
        FormatReason.TEMPLATE_CONTAINER_INVALID,
        findings(JSON, "m/tokenizer_config.json", content),
        content);
    assertOnly(
        FormatReason.TEMPLATE_CONTAINER_INVALID,
        findings(TEMPLATES, "m/chat_template.json", content),
        content);
  }

  @Test
  void chatTemplateJsonNeedsItsTemplate() {
    assertOnly(
        FormatReason.TEMPLATE_CONTAINER_INVALID,
        findings(TEMPLATES, "chat_template.json", "{\"x\": 1}"),
        "missing");
    assertOnly(
        FormatReason.TEMPLATE_CONTAINER_INVALID,
        findings(TEMPLATES, "chat_template.json", "[]"),
        "array");
    assertOnly(
        FormatReason.JSON_DUPLICATE_KEY,
        findings(
            TEMPLATES,
            "chat_template.json",
            "{\"chat_template\": \"a\", \"chat_template\": \"b\"}"),
        "duplicate key");
    assertOnly(
        FormatReason.JSON_INVALID,
        findings(TEMPLATES, "chat_template.json", "{\"chat_template\": \"a\"} x"),
        "trailing");
  }

  @Test
  void jinjaFileNamesAreTemplateNames() {
    assertEquals(
        List.of(),
        findings(TEMPLATES, "m/additional_chat_templates/tool-use_v1.2.jinja", "{{ x }}"));
    assertOnly(
        FormatReason.TEMPLATE_CONTAINER_INVALID,
        findings(TEMPLATES, "m/additional_chat_templates/{x.__class__}.jinja", "{{ x }}"),
        "f-string name");
    assertOnly(
        FormatReason.TEMPLATE_CONTAINER_INVALID,
        findings(TEMPLATES, "m/" + "a".repeat(65) + ".jinja", "x"),
        "long");
  }

  @Test
  void nullTemplateIsNoTemplate() {
    assertEquals(List.of(), findings(JSON, "tokenizer_config.json", "{\"chat_template\": null}"));
  }

  @Test
  void jinjaFilesAreStrictUtf8() {
    byte[] bad = {'{', '{', ' ', 'x', ' ', '}', '}', (byte) 0xC0, (byte) 0x80};
    assertOnly(
        FormatReason.TEMPLATE_SYNTAX,
        findings(TEMPLATES, "chat_template.jinja", bad, LoadPolicy.strict()),
        "utf-8");
  }

  @Test
  void nestedChatTemplateKeysAreNotTemplates() {
    // only the top-level member is a template; a nested one is just data
    assertEquals(
        List.of(), findings(JSON, "config.json", "{\"x\": {\"chat_template\": \"{{ self }}\"}}"));
  }

  // ---------------------------------------------------------------- pins and description

  @Test
  void digestsDescribedAndPinsApplyEverywhere() {
    String evil = "{{ ''.__class__ }}";
    String good = "{{ messages[0].content }}";
    String evilSha = TemplateSources.sha256(evil);
    LoadPolicy pinned =
        LoadPolicy.strict().toBuilder()
            .set(Gguf.ALLOWED_CHAT_TEMPLATES, ChatTemplatePins.of(evilSha))
            .build();
    byte[] jinja = evil.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        List.of(),
        findings(TEMPLATES, "chat_template.jinja", jinja, pinned),
        "a pinned template is trusted");
    assertEquals(
        List.of(),
        findings(
            JSON,
            "tokenizer_config.json",
            tokenizerConfig(evil).getBytes(StandardCharsets.UTF_8),
            pinned));
    assertOnly(
        FormatReason.TEMPLATE_NOT_PINNED,
        findings(TEMPLATES, "chat_template.jinja", good.getBytes(StandardCharsets.UTF_8), pinned),
        "unpinned");
    assertOnly(
        FormatReason.TEMPLATE_NOT_PINNED,
        findings(
            JSON,
            "tokenizer_config.json",
            ("{\"chat_template\": " + namedList(evil, good) + "}").getBytes(StandardCharsets.UTF_8),
            pinned),
        "list");

    List<Finding> out = new ArrayList<>();
    ModelDescription d =
        JSON.validate(
            ModelBytes.of(
                ByteBuffer.wrap(
                    ("{\"chat_template\": " + namedList(good, good) + "}")
                        .getBytes(StandardCharsets.UTF_8))),
            ValidationContext.collecting("tokenizer_config.json", LoadPolicy.strict(), out));
    assertEquals(List.of(), out);
    assertEquals(TemplateSources.sha256(good), d.metadata().get("sha256(chat_template.default)"));
    assertEquals(TemplateSources.sha256(good), d.metadata().get("sha256(chat_template.tool_use)"));
  }

  /**
   * A case-insensitive file system serves Chat_Template.JSON to a loader opening
   * chat_template.json: the engine gives it the same role, and its template is judged inside the
   * JSON (here with its braces escaped, so the JSON text read as a template shows no expression).
   */
  @ParameterizedTest
  @ValueSource(strings = {"Chat_Template.JSON", "chat_template.json", "CHAT_TEMPLATE.jinja"})
  void aTemplateFileInAnotherCaseIsJudgedAsThatFile(String name, @TempDir Path dir)
      throws java.io.IOException {
    boolean json = name.toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    String content =
        json
            ? "{\"chat_template\": \"Hi \\u007b\\u007b x.__class__ \\u007d\\u007d\"}"
            : "Hi {{ x.__class__ }}";
    java.nio.file.Files.writeString(dir.resolve(name), content);
    dev.safeload.ScanReport r =
        Scans.scan(dir, LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build());
    // A refused chat_template.json also reads as JSON, whose handler speaks too
    // (EXTENSION_MISMATCH beside the same template verdict).
    assertEquals(
        json
            ? Set.of("EXTENSION_MISMATCH", "TEMPLATE_ATTRIBUTE_NOT_ALLOWED")
            : Set.of("TEMPLATE_ATTRIBUTE_NOT_ALLOWED"),
        Scans.reasons(r),
        Scans.describe(r));
  }

  /**
   * A refused template whose first tag opens the file (an expression, statement or comment) keeps
   * its own reason: the JSON handler used to claim any content starting with a brace, so the engine
   * reported EXTENSION_MISMATCH and JSON_INVALID ("expected a key") and lost the template's
   * verdict.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ x.__class__ }}",
        "{%- set y = x.__class__ %}{{ y }}",
        "{# c #}{{ x.__class__ }}",
        " \n{{ x.__class__ }}"
      })
  void aRefusedTemplateOpeningWithATagKeepsItsReason(String template, @TempDir Path dir)
      throws java.io.IOException {
    java.nio.file.Files.writeString(dir.resolve("chat_template.jinja"), template);
    dev.safeload.ScanReport r =
        Scans.scan(dir, LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build());
    assertEquals(Set.of("TEMPLATE_ATTRIBUTE_NOT_ALLOWED"), Scans.reasons(r), Scans.describe(r));
  }

  @Test
  void claimsByNameOnly() {
    assertEquals("chat-template", TEMPLATES.id());
    assertEquals(Set.of("chat_template.jinja", "chat_template.json"), TEMPLATES.fileNames());
    assertEquals(Set.of("jinja"), TEMPLATES.extensions());
    assertEquals(
        Confidence.NONE,
        TEMPLATES.detect(ByteBuffer.wrap("{{ x }}".getBytes(StandardCharsets.UTF_8)), 7));
  }
}
