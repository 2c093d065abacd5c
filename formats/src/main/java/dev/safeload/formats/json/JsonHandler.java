package dev.safeload.formats.json;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.json.JsonException;
import dev.safeload.formats.internal.json.JsonLimits;
import dev.safeload.formats.internal.json.JsonReader;
import dev.safeload.formats.internal.json.JsonReader.Token;
import dev.safeload.formats.internal.template.TemplateSources;
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
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Validates JSON side files of a model, such as Hugging Face {@code config.json} and {@code
 * tokenizer.json} (id {@code json}, extension {@code .json}): strict JSON (RFC 8259 without
 * leniencies, strict UTF-8, no duplicate keys at any level, nothing after the value) within the
 * {@code json.*} caps. It says nothing about what the JSON means: a Keras {@code config.json} that
 * imports code is the Keras handler's business.
 *
 * <p>Detection is {@link Confidence#STRUCTURAL} only, so that handlers for specific JSON files (the
 * shard index, at {@link Confidence#STRONG}) win. A file whose top level has a {@code weight_map}
 * key reads as a shard index to Hugging Face loaders; if it reached this handler, its index was not
 * recognised within the detection window, and it is rejected rather than left unchecked ({@code
 * SAFETENSORS_INDEX_INVALID}).
 *
 * <p>A top-level {@code chat_template} member (as in {@code tokenizer_config.json} and {@code
 * processor_config.json}) is code: a template string or a list of {@code {"name", "template"}}
 * objects with distinct names, each judged by the chat-template policy like every other template
 * ({@code TEMPLATE_*} codes, digest pins from {@code gguf.allowedChatTemplates}), its SHA-256
 * described under {@code sha256(chat_template[.<name>])}.
 *
 * <p>A top-level {@code auto_map} or {@code custom_pipelines} member (transformers' remote-code
 * hooks in {@code config.json}, {@code tokenizer_config.json} and the processor configs) may not
 * hold a string with {@code --}: with {@code trust_remote_code=True}, transformers reads {@code
 * "owner/repo--module.Class"} as code to fetch from another repository and import, code that no
 * check or pin of this model covers ({@code JSON_REMOTE_CODE}). References without {@code --} name
 * modules inside the model, whose {@code .py} files are refused by name.
 *
 * <p>A top-level {@code auto_mapping} member (PEFT's {@code adapter_config.json}) names the base
 * model's class: {@code AutoPeftModel.from_pretrained} runs {@code
 * importlib.import_module(parent_library)} and {@code getattr(module, base_model_class)}, then
 * calls the class's {@code from_pretrained}. Versions before PEFT's import allowlist import any
 * module the file names; later ones any module under {@code transformers}, {@code diffusers} or
 * {@code lerobot}. It must be {@code null} or exactly what PEFT writes ({@code
 * base_model_class.__module__} and {@code __name__} of a model class): {@code parent_library} a
 * dotted path of ASCII identifiers under {@code transformers.models.}, {@code diffusers.models.} or
 * {@code lerobot.}, and {@code base_model_class} an ASCII identifier that does not start with
 * {@code _}. Anything else, including the {@code transformers_modules.*} package where transformers
 * caches remote code, is refused ({@code JSON_IMPORTS_MODULE}).
 *
 * <p>A file named {@code model_index.json} (diffusers pipelines, and optimum's ONNX Runtime
 * diffusion pipelines, which read it the same way) is checked first, before the member rules above.
 * Each top-level member whose value is an array is a component {@code [library, class]}: diffusers
 * imports {@code diffusers.pipelines.<library>} if that exists and otherwise the module {@code
 * library} (optimum always imports it), then {@code getattr}s the class and calls its loader. A
 * component must be {@code [null, null]} or two strings: the library {@code diffusers}, {@code
 * transformers} or one of diffusers' pipeline packages ({@code stable_diffusion}, {@code
 * kandinsky}, ...), and the class an ASCII identifier that does not start with {@code _}; anything
 * else is refused ({@code JSON_IMPORTS_MODULE}). A top-level {@code _class_name} must be a string:
 * a list {@code ["module", "Class"]} is a custom pipeline, code loaded from a file ({@code
 * JSON_REMOTE_CODE}); any other value is {@code JSON_IMPORTS_MODULE}. Other members (versions,
 * flags such as {@code requires_safety_checker}) are left alone.
 */
public final class JsonHandler implements FormatHandler {

  private static final byte[] WEIGHT_MAP = "weight_map".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHAT_TEMPLATE = "chat_template".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUTO_MAP = "auto_map".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CUSTOM_PIPELINES =
      "custom_pipelines".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUTO_MAPPING = "auto_mapping".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLASS_NAME = "_class_name".getBytes(StandardCharsets.US_ASCII);
  private static final String MODEL_INDEX = "model_index.json";

  /** The module prefixes PEFT writes as a base model's {@code parent_library}. */
  private static final List<String> PEFT_PARENT_LIBRARIES =
      List.of("transformers.models.", "diffusers.models.", "lerobot.");

  public JsonHandler() {}

  @Override
  public String id() {
    return "json";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("json");
  }

  /**
   * {@link Confidence#STRUCTURAL} when the first byte that is not JSON whitespace is <code>&#123;
   * </code> or {@code [}. A safetensors file starts with a binary length whose high bytes are zero;
   * JSON text never holds a zero byte, so any zero among the first 8 bytes rules JSON out.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    int p = head.position();
    int lim = head.limit();
    for (int i = p; i < Math.min(lim, p + 8); i++) {
      if (head.get(i) == 0) {
        return Confidence.NONE;
      }
    }
    for (int i = p; i < lim; i++) {
      int c = head.get(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        continue;
      }
      return c == '{' || (c == '[' && JsonReader.mayFollowBracket(head, i + 1))
          ? Confidence.STRUCTURAL
          : Confidence.NONE;
    }
    return Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    JsonLimits.checkSize(bytes, context);
    ByteBuffer buf = bytes.slice(0, (int) bytes.size());
    JsonReader r =
        new JsonReader(buf, 0, JsonLimits.of(context))
            .allowPythonNonFinite(); // trainer_state.json NaN
    List<TemplateSources.Named> templates = List.of();
    boolean modelIndex = isModelIndex(context.fileName());
    try {
      for (Token t = r.next(); t != Token.END_DOCUMENT; t = r.next()) {
        if (modelIndex && t == Token.NAME && r.depth() == 1) {
          // before the member rules: diffusers loads any array-valued member it has a parameter for
          if (r.tokenEquals(CLASS_NAME)) {
            pipelineClassName(r);
            continue;
          }
          int valueAt = r.valueStart();
          if (valueAt >= 0 && valueAt < buf.limit() && buf.get(valueAt) == '[') {
            diffusersComponent(r, r.stringValue());
            continue;
          }
        }
        if (t == Token.NAME && r.depth() == 1 && r.tokenEquals(CHAT_TEMPLATE)) {
          templates = TemplateSources.readJsonValue(r);
          continue;
        }
        if (t == Token.NAME
            && r.depth() == 1
            && (r.tokenEquals(AUTO_MAP) || r.tokenEquals(CUSTOM_PIPELINES))) {
          noRemoteCode(r, r.stringValue());
          continue;
        }
        if (t == Token.NAME && r.depth() == 1 && r.tokenEquals(AUTO_MAPPING)) {
          peftAutoMapping(r);
          continue;
        }
        if (t == Token.NAME && r.depth() == 1 && r.tokenEquals(WEIGHT_MAP)) {
          throw new FormatException(
              FormatReason.SAFETENSORS_INDEX_INVALID,
              r.tokenOffset(),
              "a top-level weight_map makes this a shard index, but it was not recognised as one "
                  + "(weight_map must be an object within the first 64 KiB)");
        }
      }
    } catch (JsonException e) {
      throw e.asJsonFinding();
    }
    if (templates.isEmpty()) {
      return ModelDescription.empty(id());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    TemplateSources.judgeAll(templates, context, metadata);
    return new ModelDescription(id(), List.of(), metadata, List.of());
  }

  /**
   * Reads the value of the member {@code key} and refuses any string in it that names another
   * repository ({@code owner/repo--module.Class}).
   */
  private static void noRemoteCode(JsonReader r, String key) {
    for (Token t = r.next(); ; t = r.next()) {
      if (t == Token.STRING && r.stringValue().contains("--")) {
        throw new FormatException(
            FormatReason.JSON_REMOTE_CODE,
            r.tokenOffset(),
            key
                + " names code in another repository ('"
                + r.tokenPrefix(120)
                + "'): transformers would fetch and import it with trust_remote_code");
      }
      if (r.depth() <= 1) {
        return;
      }
    }
  }

  /**
   * Reads the value of {@code auto_mapping}: null, or an object of exactly {@code parent_library}
   * and {@code base_model_class} with the values PEFT writes (see the class comment).
   */
  private static void peftAutoMapping(JsonReader r) {
    long at = r.tokenOffset();
    Token v = r.next();
    if (v == Token.NULL) {
      return;
    }
    if (v != Token.BEGIN_OBJECT) {
      throw imports(at, "auto_mapping is neither null nor an object");
    }
    String library = null;
    String cls = null;
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      String key = r.stringValue();
      long keyAt = r.tokenOffset();
      if (r.next() != Token.STRING) {
        throw imports(keyAt, "auto_mapping." + printable(key) + " is not a string");
      }
      String value = r.stringValue();
      switch (key) {
        case "parent_library" -> library = value;
        case "base_model_class" -> cls = value;
        default ->
            throw imports(
                keyAt, "auto_mapping has a member PEFT does not write: '" + printable(key) + "'");
      }
    }
    if (library == null || cls == null) {
      throw imports(at, "auto_mapping lacks parent_library or base_model_class");
    }
    if (!dottedIdentifiers(library)
        || PEFT_PARENT_LIBRARIES.stream().noneMatch(library::startsWith)) {
      throw imports(
          at,
          "auto_mapping.parent_library '"
              + printable(library)
              + "' is not a module under "
              + PEFT_PARENT_LIBRARIES
              + ": AutoPeftModel would import it");
    }
    if (!dottedIdentifiers(cls) || cls.contains(".") || cls.startsWith("_")) {
      throw imports(
          at, "auto_mapping.base_model_class '" + printable(cls) + "' is not a class name");
    }
  }

  /** Whether the file is a diffusers {@code model_index.json}, in any folder and any case. */
  private static boolean isModelIndex(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    return fileName.substring(slash + 1).equalsIgnoreCase(MODEL_INDEX);
  }

  /**
   * Reads the value of {@code model_index.json}'s {@code _class_name}: a string names a class in
   * {@code diffusers}; a list names a custom pipeline's module and class.
   */
  private static void pipelineClassName(JsonReader r) {
    long at = r.tokenOffset();
    Token v = r.next();
    if (v == Token.BEGIN_ARRAY) {
      throw new FormatException(
          FormatReason.JSON_REMOTE_CODE,
          at,
          "model_index.json _class_name is a list: a custom pipeline, whose code diffusers loads "
              + "from a module file");
    }
    if (v != Token.STRING) {
      throw imports(at, "model_index.json _class_name is not a string");
    }
  }

  /**
   * Reads the array value of the {@code model_index.json} member {@code member}: {@code [null,
   * null]} or {@code [library, class]} as diffusers writes them (see the class comment).
   */
  private static void diffusersComponent(JsonReader r, String member) {
    long at = r.tokenOffset();
    String name = printable(member);
    r.next(); // the array's opening bracket, which the caller saw
    String library = componentPart(r, at, name);
    String cls = componentPart(r, at, name);
    if (r.next() != Token.END_ARRAY) {
      throw imports(at, "model_index.json component " + name + " has more than two elements");
    }
    if (library == null && cls == null) {
      return;
    }
    if (library == null || cls == null) {
      throw imports(
          at, "model_index.json component " + name + " has a library or a class but not both");
    }
    if (!library.equals("diffusers")
        && !library.equals("transformers")
        && !DiffusersPipelinePackages.NAMES.contains(library)) {
      throw imports(
          at,
          "model_index.json component "
              + name
              + " names library '"
              + printable(library)
              + "', not diffusers, transformers or a diffusers pipeline package: diffusers would"
              + " import it");
    }
    if (!dottedIdentifiers(cls) || cls.contains(".") || cls.startsWith("_")) {
      throw imports(
          at,
          "model_index.json component "
              + name
              + " class '"
              + printable(cls)
              + "' is not a class name");
    }
  }

  /** One element of a component: a string, or null; anything else is refused. */
  private static @Nullable String componentPart(JsonReader r, long at, String name) {
    Token t = r.next();
    if (t == Token.NULL) {
      return null;
    }
    if (t != Token.STRING) {
      throw imports(
          at, "model_index.json component " + name + " is not a [library, class] pair of strings");
    }
    return r.stringValue();
  }

  /** Non-empty ASCII identifiers joined by single dots. */
  private static boolean dottedIdentifiers(String s) {
    boolean start = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' && !start) {
        start = true;
        continue;
      }
      boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
      if (!(letter || !start && c >= '0' && c <= '9')) {
        return false;
      }
      start = false;
    }
    return !start;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 120; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }

  private static FormatException imports(long at, String msg) {
    return new FormatException(FormatReason.JSON_IMPORTS_MODULE, at, msg);
  }
}
