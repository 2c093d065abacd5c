package dev.safeload.formats.json;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.json.JsonException;
import dev.safeload.formats.internal.json.JsonLimits;
import dev.safeload.formats.internal.json.JsonReader;
import dev.safeload.formats.internal.json.JsonReader.Token;
import dev.safeload.formats.internal.template.TemplateSources;
import dev.safeload.formats.internal.text.DottedNames;
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
 * <p>A top-level {@code extra_special_tokens} or {@code model_specific_special_tokens} object names
 * special tokens that transformers passes to every chat template as variables holding the
 * publisher's text. The template policy tells those apart from the application's data by name
 * ({@code *_token}, {@code *_tokens}), so any other name is refused ({@code
 * TEMPLATE_NAME_NOT_ALLOWED}): {@code {"k": "__class__"}} would make {@code messages[k]} a
 * publisher-chosen attribute read.
 *
 * <p>A top-level {@code auto_map} or {@code custom_pipelines} member (transformers' remote-code
 * hooks in {@code config.json}, {@code tokenizer_config.json} and the processor configs) may not
 * hold a string with {@code --}: with {@code trust_remote_code=True}, transformers reads {@code
 * "owner/repo--module.Class"} as code to fetch from another repository and import, code that no
 * check or pin of this model covers ({@code JSON_REMOTE_CODE}). A reference (an {@code auto_map}
 * value, a {@code custom_pipelines} {@code impl}) holding {@code /}, {@code \} or {@code :} names
 * its module by a path, which transformers joins to a local model folder with {@code os.path.join}:
 * an absolute one (or, on Windows, a drive-relative one) imports a file from anywhere on the
 * machine ({@code JSON_FILE_REFERENCE}). Other references name modules inside the model, whose
 * {@code .py} files are refused by name.
 *
 * <p>A member named {@code attn_implementation}, {@code _attn_implementation} or {@code
 * _attn_implementation_internal}, at any depth (sub-configs such as {@code text_config} carry their
 * own), may not hold a string with {@code /}: transformers reads {@code "owner/repo"}, {@code
 * "owner/repo@rev:function"} or {@code "paged|owner/repo"} as a kernel on the Hugging Face Hub, and
 * with the {@code kernels} package installed it downloads that repository and imports its Python
 * code when the model is built, without {@code trust_remote_code} (4.57.6: {@code PretrainedConfig}
 * sets a config.json {@code _attn_implementation} through its property and {@code
 * PreTrainedModel.__init__} passes it to {@code load_and_register_kernel}). The built-in
 * implementations ({@code eager}, {@code sdpa}, {@code flash_attention_2}, {@code paged|sdpa}, ...)
 * have no slash ({@code JSON_REMOTE_CODE}).
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
 *
 * <p>In a file named {@code tokenizer_config.json}, a top-level member whose name ends in {@code
 * _file} ({@code vocab_file}, {@code merges_file}, {@code tokenizer_file}, {@code spm_file}, ...:
 * the names under which tokenizer classes receive their files) must be {@code null}. transformers
 * before 5 passes the config's value to the tokenizer in place of the file it found in the model
 * ({@code if args_name not in init_kwargs}), and the tokenizer opens it as a path: absolute, or
 * relative to the working directory, a file no check or pin of this model covers (verified with
 * 4.57.6: {@code "vocab_file": "/elsewhere/spiece.model"} loads that file). {@code
 * added_tokens_file}, {@code special_tokens_map_file}, {@code tokenizer_config_file} and {@code
 * chat_template_file} are exempt: the loader opens its own path for those and only passes the
 * config's value along, and old configs carry stale paths there ({@code JSON_FILE_REFERENCE}). The
 * same holds in a file named {@code special_tokens_map.json}: when {@code tokenizer_config.json}
 * has no {@code added_tokens_decoder}, transformers 4.57.6 copies every member of that file into
 * the tokenizer's arguments after the files it found, so its {@code "vocab_file"} or {@code
 * "tokenizer_file"} replaces the model's own.
 *
 * <p>A top-level {@code tokenizer_kwargs} (PEFT prompt tuning's {@code adapter_config.json}) is
 * passed as keyword arguments to {@code AutoTokenizer.from_pretrained} when the adapter is built
 * for training: a {@code trust_remote_code} in it (as in any keyword arguments a loader forwards to
 * {@code from_pretrained}) other than {@code false} or {@code null} is refused ({@code
 * JSON_REMOTE_CODE}; PEFT before 0.18 passed it on, so loading the adapter imported the code of the
 * repository {@code tokenizer_name_or_path} names, huggingface/peft#2888), and so is a {@code
 * *_file} member by the {@code tokenizer_config.json} rule above ({@code JSON_FILE_REFERENCE}),
 * since the tokenizer opens that path.
 *
 * <p>In a file named {@code sentence_bert_config.json} (or an older {@code sentence_*_config.json},
 * a sentence-transformers Transformer module's arguments), {@code tokenizer_name_or_path} must be
 * {@code null}: sentence-transformers (from 2.0 to today) loads the tokenizer from that path or Hub
 * repository instead of the model's own files, which the library never writes there ({@code
 * JSON_FILE_REFERENCE}). Its {@code model_args}, {@code tokenizer_args} and {@code config_args} are
 * keyword arguments to the {@code from_pretrained} calls and follow the {@code tokenizer_kwargs}
 * rule below ({@code gguf_file}, {@code vocab_file}, ... name files outside the model; a {@code
 * trust_remote_code} was passed on before 2.3).
 *
 * <p>A top-level {@code prompt_tuning_init_state_dict_path} (PEFT multitask prompt tuning's {@code
 * adapter_config.json}) must be {@code null}: building the adapter, {@code
 * PeftModel.from_pretrained} included, loads that path with {@code torch.load} or safetensors when
 * {@code prompt_tuning_init} is a source-task mode (PEFT 0.21.0), resolved against the working
 * directory rather than the model, a file no check or pin of this model covers ({@code
 * JSON_FILE_REFERENCE}).
 *
 * <p>In a file named {@code modules.json} (a sentence-transformers model's list of modules), each
 * module's {@code type} must be a class under {@code sentence_transformers.}, as the library writes
 * for its own modules: for any other class, sentence-transformers before 6.0 loading a local
 * directory imports it without {@code trust_remote_code} (its 6.0 notes: "a local
 * model_name_or_path was implicitly trusted"), through transformers' dynamic modules, which fetch
 * {@code owner/repo--module.Class} from another repository, or as any installed module's attribute,
 * whose {@code load} it then calls ({@code JSON_IMPORTS_MODULE}). Each module's {@code path} is
 * joined to the model's folder and must stay inside it: relative, no {@code ..} segment, no
 * backslash ({@code JSON_FILE_REFERENCE}).
 *
 * <p>A top-level {@code transformers_weights} (a {@code config.json} naming the file to load
 * weights from) must be {@code null} or a relative path inside the model, by the rule for {@code
 * modules.json} paths: transformers 4.57.6 joins it to the model's folder with {@code
 * os.path.join}, which an absolute path replaces and {@code ..} leaves, and loads that {@code
 * .safetensors} file or index, weights no check or pin of this model covers (transformers 5 added
 * the containment check; {@code JSON_FILE_REFERENCE}).
 *
 * <p>A top-level {@code activation_function} that is a dotted path (a sentence-transformers Dense
 * module's {@code config.json}, which writes {@code torch.nn.modules.activation.Tanh}) must name a
 * class under {@code torch.nn.modules.}: before 6.0 sentence-transformers imported whatever it
 * names and called it with no arguments, before building the module. transformers' own {@code
 * activation_function} values ({@code gelu_new}, {@code silu}) have no dot and import nothing
 * ({@code JSON_IMPORTS_MODULE}).
 */
public final class JsonHandler implements FormatHandler {

  private static final byte[] WEIGHT_MAP = "weight_map".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHAT_TEMPLATE = "chat_template".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUTO_MAP = "auto_map".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EXTRA_SPECIAL_TOKENS =
      "extra_special_tokens".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MODEL_SPECIFIC_SPECIAL_TOKENS =
      "model_specific_special_tokens".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CUSTOM_PIPELINES =
      "custom_pipelines".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] IMPL = "impl".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUTO_MAPPING = "auto_mapping".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ATTN_IMPLEMENTATION =
      "attn_implementation".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ATTN_IMPLEMENTATION_PROPERTY =
      "_attn_implementation".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ATTN_IMPLEMENTATION_INTERNAL =
      "_attn_implementation_internal".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLASS_NAME = "_class_name".getBytes(StandardCharsets.US_ASCII);
  private static final String MODEL_INDEX = "model_index.json";
  private static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  private static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
  private static final String SENTENCE_TRANSFORMERS_MODULES = "modules.json";
  private static final byte[] ACTIVATION_FUNCTION =
      "activation_function".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRANSFORMERS_WEIGHTS =
      "transformers_weights".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOKENIZER_KWARGS =
      "tokenizer_kwargs".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUST_REMOTE_CODE =
      "trust_remote_code".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROMPT_TUNING_INIT_STATE_DICT_PATH =
      "prompt_tuning_init_state_dict_path".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOKENIZER_NAME_OR_PATH =
      "tokenizer_name_or_path".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MODEL_ARGS = "model_args".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOKENIZER_ARGS = "tokenizer_args".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONFIG_ARGS = "config_args".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE = "type".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PATH = "path".getBytes(StandardCharsets.US_ASCII);

  /** The {@code *_file} members whose config value transformers never opens (see above). */
  private static final Set<String> UNOPENED_FILE_MEMBERS =
      Set.of(
          "added_tokens_file",
          "special_tokens_map_file",
          "tokenizer_config_file",
          "chat_template_file");

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
      return (c == '{' && JsonReader.mayFollowBrace(head, i + 1))
              || (c == '[' && JsonReader.mayFollowBracket(head, i + 1))
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
    boolean modelIndex = isNamed(context.fileName(), MODEL_INDEX);
    // files whose top-level members transformers passes to the tokenizer as its arguments
    String tokenizerArguments =
        isNamed(context.fileName(), TOKENIZER_CONFIG)
            ? TOKENIZER_CONFIG
            : isNamed(context.fileName(), SPECIAL_TOKENS_MAP) ? SPECIAL_TOKENS_MAP : null;
    boolean modules = isNamed(context.fileName(), SENTENCE_TRANSFORMERS_MODULES);
    boolean transformerModule = isSentenceTransformersModuleConfig(context.fileName());
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
        if (t == Token.NAME
            && (r.tokenEquals(ATTN_IMPLEMENTATION)
                || r.tokenEquals(ATTN_IMPLEMENTATION_PROPERTY)
                || r.tokenEquals(ATTN_IMPLEMENTATION_INTERNAL))) {
          noHubKernel(r, r.stringValue());
          continue;
        }
        if (modules && t == Token.NAME && r.depth() == 2) {
          sentenceTransformersModule(r);
          continue;
        }
        if (t == Token.NAME && r.depth() == 1 && r.tokenEquals(TRANSFORMERS_WEIGHTS)) {
          transformersWeights(r);
          continue;
        }
        if (t == Token.NAME
            && r.depth() == 1
            && r.tokenEquals(PROMPT_TUNING_INIT_STATE_DICT_PATH)) {
          long at = r.tokenOffset();
          if (r.next() != Token.NULL) {
            throw new FormatException(
                FormatReason.JSON_FILE_REFERENCE,
                at,
                "prompt_tuning_init_state_dict_path is set: PEFT would load a state dict from that"
                    + " path, outside the model");
          }
          continue;
        }
        if (t == Token.NAME && r.depth() == 1 && r.tokenEquals(TOKENIZER_KWARGS)) {
          forwardedKwargs(r, buf, "tokenizer_kwargs");
          continue;
        }
        if (transformerModule && t == Token.NAME && r.depth() == 1) {
          if (r.tokenEquals(TOKENIZER_NAME_OR_PATH)) {
            long at = r.tokenOffset();
            if (r.next() != Token.NULL) {
              throw new FormatException(
                  FormatReason.JSON_FILE_REFERENCE,
                  at,
                  "tokenizer_name_or_path is set: sentence-transformers would load the tokenizer"
                      + " from there instead of the model's files");
            }
            continue;
          }
          if (r.tokenEquals(MODEL_ARGS)
              || r.tokenEquals(TOKENIZER_ARGS)
              || r.tokenEquals(CONFIG_ARGS)) {
            forwardedKwargs(r, buf, r.stringValue());
            continue;
          }
        }
        if (t == Token.NAME && r.depth() == 1 && r.tokenEquals(ACTIVATION_FUNCTION)) {
          activationFunction(r);
          continue;
        }
        if (tokenizerArguments != null && t == Token.NAME && r.depth() == 1) {
          fileMember(r, buf, r.stringValue(), tokenizerArguments);
        }
        if (t == Token.NAME && r.depth() == 1 && r.tokenEquals(CHAT_TEMPLATE)) {
          templates = TemplateSources.readJsonValue(r);
          continue;
        }
        if (t == Token.NAME
            && r.depth() == 1
            && (r.tokenEquals(EXTRA_SPECIAL_TOKENS)
                || r.tokenEquals(MODEL_SPECIFIC_SPECIAL_TOKENS))) {
          specialTokenNames(r, r.stringValue());
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
   * repository ({@code owner/repo--module.Class}) or a module by a path ({@code /tmp/evil.Class},
   * see {@link #noModulePath}).
   */
  private static void noRemoteCode(JsonReader r, String key) {
    // auto_map holds only class references; custom_pipelines holds them under "impl" (beside
    // class names and a default model's "owner/name" repository id)
    boolean autoMap = key.equals("auto_map");
    boolean impl = false;
    for (Token t = r.next(); ; t = r.next()) {
      if (t == Token.NAME) {
        impl = r.tokenEquals(IMPL);
      }
      if (t == Token.STRING && r.stringValue().contains("--")) {
        throw new FormatException(
            FormatReason.JSON_REMOTE_CODE,
            r.tokenOffset(),
            key
                + " names code in another repository ('"
                + r.tokenPrefix(120)
                + "'): transformers would fetch and import it with trust_remote_code");
      }
      if (t == Token.STRING && (autoMap || impl)) {
        noModulePath(r, key);
      }
      if (r.depth() <= 1) {
        return;
      }
    }
  }

  /**
   * An {@code auto_map} or {@code custom_pipelines} reference {@code module.Class} names the file
   * {@code module + ".py"}, which transformers' {@code cached_file} joins to a local model folder
   * with {@code os.path.join}: a module given as an absolute path ({@code "/tmp/evil.EvilModel"},
   * {@code "C:\\x\\evil.M"}) replaces the folder, and with {@code trust_remote_code} that file is
   * copied into the dynamic-modules cache and executed, code no check or pin of this model covers.
   * The writer ({@code custom_object_save}) puts only the module's last dotted part there, and
   * {@code ..} cannot pass transformers' split on {@code .}, so any path separator is refused (a
   * relative {@code sub/module} would name a {@code .py} inside the model, refused by name anyway).
   * A {@code :} is refused too: {@code "C:evil.M"} is a drive-relative path to Windows' {@code
   * os.path.join}, which drops the folder for it, and no Python module name holds one.
   */
  private static void noModulePath(JsonReader r, String key) {
    String v = r.stringValue();
    if (v.indexOf('/') >= 0 || v.indexOf('\\') >= 0 || v.indexOf(':') >= 0) {
      throw new FormatException(
          FormatReason.JSON_FILE_REFERENCE,
          r.tokenOffset(),
          key
              + " names a module by a path ('"
              + r.tokenPrefix(120)
              + "'): transformers would import that file from outside the model with"
              + " trust_remote_code");
    }
  }

  /**
   * Reads the value of the attention-implementation member {@code key} (a string, or an object of
   * them per sub-config) and refuses any string naming a Hub kernel (see the class comment).
   */
  private static void noHubKernel(JsonReader r, String key) {
    int depth = r.depth();
    for (Token t = r.next(); ; t = r.next()) {
      if (t == Token.STRING && r.stringValue().indexOf('/') >= 0) {
        throw new FormatException(
            FormatReason.JSON_REMOTE_CODE,
            r.tokenOffset(),
            key
                + " names a kernel repository ('"
                + r.tokenPrefix(120)
                + "'): transformers with the kernels package would download and import its code");
      }
      if (r.depth() <= depth) {
        return;
      }
    }
  }

  /**
   * Reads the value of {@code extra_special_tokens} or {@code model_specific_special_tokens}: an
   * object's member names become template variables holding publisher text, so each must be one the
   * chat-template policy reads as such (see {@link TemplateSources#isSpecialTokenName}). A list
   * names no variables.
   */
  private static void specialTokenNames(JsonReader r, String key) {
    Token v = r.next();
    if (v == Token.BEGIN_ARRAY) {
      while (r.depth() > 1) {
        r.next();
      }
      return;
    }
    if (v != Token.BEGIN_OBJECT) {
      return;
    }
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      String name = r.stringValue();
      if (!TemplateSources.isSpecialTokenName(name)) {
        throw new FormatException(
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED,
            r.tokenOffset(),
            key
                + " declares '"
                + printable(name)
                + "', which does not end in _token: transformers passes it to chat templates as a"
                + " variable holding the publisher's text, which the template policy would read as"
                + " the application's data");
      }
      r.skipValue();
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
    if (!DottedNames.isDotted(library)
        || PEFT_PARENT_LIBRARIES.stream().noneMatch(library::startsWith)) {
      throw imports(
          at,
          "auto_mapping.parent_library '"
              + printable(library)
              + "' is not a module under "
              + PEFT_PARENT_LIBRARIES
              + ": AutoPeftModel would import it");
    }
    if (!DottedNames.isDotted(cls) || cls.contains(".") || cls.startsWith("_")) {
      throw imports(
          at, "auto_mapping.base_model_class '" + printable(cls) + "' is not a class name");
    }
  }

  /**
   * Reads the value of a member of one module in a sentence-transformers {@code modules.json}: its
   * {@code type} and {@code path} are checked (see the class comment), others skipped.
   */
  private static void sentenceTransformersModule(JsonReader r) {
    boolean type = r.tokenEquals(TYPE);
    boolean path = r.tokenEquals(PATH);
    if (!type && !path) {
      r.skipValue();
      return;
    }
    long at = r.tokenOffset();
    Token v = r.next();
    String value = v == Token.STRING ? r.stringValue() : null;
    if (type
        && (value == null
            || !value.startsWith("sentence_transformers.")
            || !DottedNames.isDotted(value))) {
      throw imports(
          at,
          "modules.json type '"
              + (value == null ? String.valueOf(v) : printable(value))
              + "' is not a sentence_transformers class: sentence-transformers would import it");
    }
    if (path && (value == null || !insideModel(value))) {
      throw new FormatException(
          FormatReason.JSON_FILE_REFERENCE,
          at,
          "modules.json path '"
              + (value == null ? String.valueOf(v) : printable(value))
              + "' leaves the model's folder: sentence-transformers would load a module from there");
    }
  }

  /**
   * Reads the top-level member {@code member}, keyword arguments a loader forwards to {@code
   * from_pretrained} ({@code tokenizer_kwargs}, a sentence-transformers module's {@code *_args}):
   * no {@code trust_remote_code} other than false or null, no {@code *_file} path (see the class
   * comment). Values that are not objects are skipped: no loader passes them as keyword arguments.
   */
  private static void forwardedKwargs(JsonReader r, ByteBuffer buf, String member) {
    if (r.next() != Token.BEGIN_OBJECT) {
      while (r.depth() > 1) {
        r.next();
      }
      return;
    }
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      if (r.tokenEquals(TRUST_REMOTE_CODE)) {
        long at = r.tokenOffset();
        Token v = r.next();
        if (v != Token.FALSE && v != Token.NULL) {
          throw new FormatException(
              FormatReason.JSON_REMOTE_CODE,
              at,
              member
                  + " sets trust_remote_code: loaders that pass it on to from_pretrained (PEFT"
                  + " before 0.18) import the code of the repository it loads");
        }
        continue;
      }
      fileMember(r, buf, r.stringValue(), member);
      r.skipValue();
    }
  }

  /** Reads a top-level {@code transformers_weights}: see the class comment. */
  private static void transformersWeights(JsonReader r) {
    long at = r.tokenOffset();
    Token v = r.next();
    if (v == Token.NULL) {
      return;
    }
    String value = v == Token.STRING ? r.stringValue() : null;
    if (value == null || !insideModel(value)) {
      while (r.depth() > 1) {
        r.next(); // an object or array value: read to its end for a well-formed message offset
      }
      throw new FormatException(
          FormatReason.JSON_FILE_REFERENCE,
          at,
          "transformers_weights '"
              + (value == null ? String.valueOf(v) : printable(value))
              + "' is not a path inside the model: transformers would load weights from there");
    }
  }

  /** Reads a top-level {@code activation_function}: see the class comment. */
  private static void activationFunction(JsonReader r) {
    long at = r.tokenOffset();
    if (r.next() != Token.STRING) {
      return; // not a class name: nothing to import (nested values are read by the main loop)
    }
    String v = r.stringValue();
    if (v.indexOf('.') >= 0 && !(v.startsWith("torch.nn.modules.") && DottedNames.isDotted(v))) {
      throw imports(
          at,
          "activation_function '"
              + printable(v)
              + "' is not a class under torch.nn.modules: sentence-transformers would import and"
              + " call it");
    }
  }

  /** A relative {@code /}-separated path without {@code ..} segments or backslashes. */
  private static boolean insideModel(String p) {
    if (p.startsWith("/") || p.indexOf('\\') >= 0 || p.indexOf(':') >= 0) {
      return false;
    }
    for (String seg : p.split("/", -1)) {
      if (seg.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the file is a sentence-transformers Transformer module's {@code
   * sentence_bert_config.json} or one of the older {@code sentence_<model>_config.json} names it
   * still reads (any case).
   */
  private static boolean isSentenceTransformersModuleConfig(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    String base = fileName.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
    return base.startsWith("sentence_") && base.endsWith("_config.json");
  }

  /** Whether the file's base name is {@code base} (in any folder and any case). */
  private static boolean isNamed(String fileName, String base) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    return fileName.substring(slash + 1).equalsIgnoreCase(base);
  }

  /**
   * Refuses the member {@code key} of a {@code tokenizer_config.json} if it hands the tokenizer a
   * file path (see the class comment); leaves the reader on the member's name otherwise.
   */
  private static void fileMember(JsonReader r, ByteBuffer buf, String key, String where) {
    if (!key.endsWith("_file") || UNOPENED_FILE_MEMBERS.contains(key)) {
      return;
    }
    long at = r.tokenOffset();
    int valueAt = r.valueStart();
    // Strict JSON: a value that starts with 'n' is null (the reader checks the literal next).
    if (valueAt >= 0 && valueAt < buf.limit() && buf.get(valueAt) == 'n') {
      return;
    }
    throw new FormatException(
        FormatReason.JSON_FILE_REFERENCE,
        at,
        where
            + " sets "
            + printable(key)
            + ": transformers would open that path instead of the model's own file");
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
    if (!DottedNames.isDotted(cls) || cls.contains(".") || cls.startsWith("_")) {
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
