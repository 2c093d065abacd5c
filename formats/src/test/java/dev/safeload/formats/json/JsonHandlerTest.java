package dev.safeload.formats.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.Setting;
import dev.safeload.formats.FormatReason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON side files: strict JSON within caps, each rule with its reason code. */
class JsonHandlerTest {
  private static final JsonHandler HANDLER = new JsonHandler();
  private static final SafeModelLoader SCANNER = SafeModelLoader.builder().build();
  private static final String CONFIG =
      "{\n  \"architectures\": [\"LlamaForCausalLM\"],\n  \"hidden_size\": 4096,\n"
          + "  \"rope_scaling\": null,\n  \"rms_norm_eps\": 1e-05,\n  \"tie_word_embeddings\": false\n}\n";

  @TempDir Path dir;

  @Test
  void configJsonIsAccepted() throws IOException {
    ScanReport r = scan("config.json", CONFIG);
    assertEquals(List.of(), r.findings());
    assertEquals("json", r.files().get(0).format());
  }

  @Test
  void tokenizerLikeArrayIsAccepted() throws IOException {
    assertEquals(
        List.of(),
        scan("tokenizer.json", "  [{\"id\": 0, \"content\": \"<s>\"}, [\"a\", \"b\"]]").findings());
  }

  @Test
  void autoMapNamingAnotherRepositoryIsRemoteCode() throws IOException {
    // transformers splits "owner/repo--module.Class" and fetches module.py from owner/repo
    assertEquals(
        List.of(FormatReason.JSON_REMOTE_CODE),
        reasons(
            scan(
                "config.json",
                "{\"model_type\": \"bert\", \"auto_map\": "
                    + "{\"AutoModel\": \"evil/repo--modeling_evil.EvilModel\"}}")));
    // tokenizer classes are a [slow, fast] pair; an escaped key is the same key to Python
    assertEquals(
        List.of(FormatReason.JSON_REMOTE_CODE),
        reasons(
            scan(
                "tokenizer_config.json",
                "{\"auto\\u005fmap\": {\"AutoTokenizer\": [null, \"evil/r--tok.T\"]}}")));
    assertEquals(
        List.of(FormatReason.JSON_REMOTE_CODE),
        reasons(
            scan(
                "config.json",
                "{\"custom_pipelines\": {\"t\": {\"impl\": \"e/r--p.P\", \"pt\": []}}}")));
  }

  /**
   * transformers 4.57.6 reads an attention implementation with a slash as a Hub kernel: with the
   * kernels package installed, building the model downloads and imports that repository's code.
   * config.json's own attn_implementation is overwritten by from_dict, but _attn_implementation
   * goes through the config's property setter, and sub-configs keep theirs.
   */
  @Test
  void attentionImplementationNamingAKernelRepositoryIsRemoteCode() throws IOException {
    for (String json :
        List.of(
            "{\"model_type\": \"llama\", \"_attn_implementation\": \"evil/kernel\"}",
            "{\"_attn_implementation_internal\": \"evil/kernel@main:attn\"}",
            "{\"text_config\": {\"attn_implementation\": \"paged|evil/kernel\"}}",
            "{\"_attn_implementation\": {\"\": \"sdpa\", \"vision_config\": \"evil/k\"}}",
            "{\"_attn\\u005fimplementation\": \"evil/kernel\"}")) {
      assertEquals(
          List.of(FormatReason.JSON_REMOTE_CODE), reasons(scan("config.json", json)), json);
    }
    // the built-in implementations name no repository
    for (String impl : List.of("eager", "sdpa", "flash_attention_2", "paged|sdpa")) {
      String json =
          "{\"_attn_implementation\": \""
              + impl
              + "\", \"text_config\": {\"attn_implementation\": null}, \"name\": \"a/b\"}";
      assertEquals(List.of(), reasons(scan("config.json", json)), json);
    }
  }

  /**
   * transformers 4.57.6 loads weights from os.path.join(model, subfolder, transformers_weights): an
   * absolute path replaces the model's folder and ".." leaves it.
   */
  @Test
  void transformersWeightsOutsideTheModelIsAFileReference() throws IOException {
    for (String value :
        List.of(
            "\"/srv/other/model.safetensors\"",
            "\"../other/model.safetensors.index.json\"",
            "\"sub/../../model.safetensors\"",
            "\"C:\\\\w\\\\model.safetensors\"",
            "[\"model.safetensors\"]")) {
      String json = "{\"model_type\": \"llama\", \"transformers_weights\": " + value + "}";
      assertEquals(
          List.of(FormatReason.JSON_FILE_REFERENCE), reasons(scan("config.json", json)), json);
    }
    for (String value : List.of("null", "\"model.safetensors\"", "\"w/model.safetensors\"")) {
      String json = "{\"transformers_weights\": " + value + "}";
      assertEquals(List.of(), reasons(scan("config.json", json)), json);
    }
  }

  /**
   * PEFT prompt tuning passes tokenizer_kwargs to
   * AutoTokenizer.from_pretrained(tokenizer_name_or_path) when the adapter is built for training;
   * before 0.18 a trust_remote_code there imported that repository's code (huggingface/peft#2888),
   * and a *_file member makes the tokenizer open that path.
   */
  @Test
  void tokenizerKwargsMayNotTrustRemoteCodeOrNameFiles() throws IOException {
    String prefix =
        "{\"peft_type\": \"PROMPT_TUNING\", \"prompt_tuning_init\": \"TEXT\","
            + " \"tokenizer_name_or_path\": \"evil/tok\", \"tokenizer_kwargs\": ";
    for (String kwargs :
        List.of(
            "{\"trust_remote_code\": true}",
            "{\"revision\": \"main\", \"trust\\u005fremote_code\": 1}",
            "{\"trust_remote_code\": \"yes\"}")) {
      assertEquals(
          List.of(FormatReason.JSON_REMOTE_CODE),
          reasons(scan("adapter_config.json", prefix + kwargs + "}")),
          kwargs);
    }
    assertEquals(
        List.of(FormatReason.JSON_FILE_REFERENCE),
        reasons(scan("adapter_config.json", prefix + "{\"vocab_file\": \"/etc/x.model\"}}")));
    for (String kwargs :
        List.of(
            "null",
            "{}",
            "{\"trust_remote_code\": false, \"use_fast\": true}",
            "{\"trust_remote_code\": null, \"added_tokens_file\": \"a.json\"}",
            "[\"trust_remote_code\"]")) {
      assertEquals(List.of(), reasons(scan("adapter_config.json", prefix + kwargs + "}")), kwargs);
    }
  }

  /**
   * sentence-transformers passes sentence_bert_config.json to its Transformer module: a
   * tokenizer_name_or_path replaces the model's tokenizer, and model_args, tokenizer_args and
   * config_args go to from_pretrained.
   */
  @Test
  void sentenceTransformersModuleConfigLoadsNothingFromElsewhere() throws IOException {
    for (String member :
        List.of(
            "\"tokenizer_name_or_path\": \"evil/tokenizer\"",
            "\"tokenizer_name_or_path\": \"/srv/other\"",
            "\"model_args\": {\"gguf_file\": \"/srv/other/x.gguf\"}",
            "\"tokenizer_args\": {\"vocab_file\": \"/srv/other/vocab.txt\"}")) {
      String config = "{\"max_seq_length\": 256, " + member + ", \"do_lower_case\": false}";
      assertEquals(
          List.of(FormatReason.JSON_FILE_REFERENCE),
          reasons(scan("sentence_bert_config.json", config)),
          member);
      // the names are what sentence-transformers reads as a module's arguments
      assertEquals(List.of(), reasons(scan("config.json", config)), member);
    }
    assertEquals(
        List.of(FormatReason.JSON_REMOTE_CODE),
        reasons(
            scan(
                "sentence_roberta_config.json",
                "{\"config_args\": {\"trust_remote_code\": true}}")));
    // what the library writes, and arguments that name no file
    for (String config :
        List.of(
            "{\n  \"max_seq_length\": 256,\n  \"do_lower_case\": false\n}",
            "{\"max_seq_length\": 512, \"tokenizer_name_or_path\": null,"
                + " \"model_args\": {\"torch_dtype\": \"float16\"},"
                + " \"tokenizer_args\": {\"do_lower_case\": true}}")) {
      assertEquals(List.of(), reasons(scan("sentence_bert_config.json", config)), config);
    }
  }

  /**
   * PEFT 0.21.0 builds a multitask prompt-tuning adapter (PeftModel.from_pretrained included) by
   * loading prompt_tuning_init_state_dict_path, relative to the working directory, when
   * prompt_tuning_init is a source-task mode.
   */
  @Test
  void promptTuningInitStateDictPathIsAFileReference() throws IOException {
    String prefix =
        "{\"peft_type\": \"MULTITASK_PROMPT_TUNING\","
            + " \"prompt_tuning_init\": \"AVERAGE_SOURCE_TASKS\","
            + " \"prompt_tuning_init_state_dict_path\": ";
    for (String value : List.of("\"/srv/other/adapter_model.bin\"", "\"x.safetensors\"", "1")) {
      assertEquals(
          List.of(FormatReason.JSON_FILE_REFERENCE),
          reasons(scan("adapter_config.json", prefix + value + "}")),
          value);
    }
    assertEquals(List.of(), reasons(scan("adapter_config.json", prefix + "null}")));
  }

  /**
   * What PEFT's save_pretrained writes (json.dumps(indent=2, sort_keys=True)): with a task type,
   * auto_mapping is null; without one, the base model class's __module__ and __name__.
   */
  private static String adapterConfig(String autoMapping) {
    return "{\n  \"alpha_pattern\": {},\n  \"auto_mapping\": "
        + autoMapping
        + ",\n  \"base_model_name_or_path\": \"bert-base-uncased\",\n  \"bias\": \"none\",\n"
        + "  \"peft_type\": \"LORA\",\n  \"r\": 8,\n  \"target_modules\": [\"query\", \"value\"],\n"
        + "  \"task_type\": null\n}";
  }

  private static String mapping(String library, String cls) {
    return "{\n    \"base_model_class\": \""
        + cls
        + "\",\n    \"parent_library\": \""
        + library
        + "\"\n  }";
  }

  @Test
  void peftAutoMappingAsPeftWritesItIsAccepted() throws IOException {
    for (String autoMapping :
        List.of(
            "null",
            mapping("transformers.models.bert.modeling_bert", "BertModel"),
            mapping("transformers.models.llama.modeling_llama", "LlamaForCausalLM"),
            mapping("diffusers.models.unets.unet_2d_condition", "UNet2DConditionModel"),
            mapping("lerobot.policies.act.modeling_act", "ACTPolicy"))) {
      ScanReport r = scan("adapter_config.json", adapterConfig(autoMapping));
      assertEquals(List.of(), r.findings(), autoMapping);
    }
  }

  /**
   * AutoPeftModel.from_pretrained imports auto_mapping.parent_library and getattr()s the class: any
   * other module is code the adapter chooses (before PEFT's import allowlist, any module at all;
   * transformers_modules.* is where transformers caches remote code).
   */
  @Test
  void peftAutoMappingImportingAnythingElseIsRefused() throws IOException {
    for (String autoMapping :
        List.of(
            mapping("os", "system"),
            mapping("evil_package.loader", "Model"),
            mapping("transformers_modules.evil.repo.modeling_evil", "EvilModel"),
            mapping("transformers.pipelines", "pipeline"),
            mapping("transformers", "AutoModel"),
            mapping("transformers.models..bert", "BertModel"),
            mapping("transformers.models.bert.modeling_bert ", "BertModel"),
            mapping("transformers.models.bert.modeling_bert", "__class__"),
            mapping("transformers.models.bert.modeling_bert", "os.system"),
            "{\"parent_library\": \"transformers.models.bert.modeling_bert\"}",
            "{\"parent_library\": \"transformers.models.bert.modeling_bert\", "
                + "\"base_model_class\": \"BertModel\", \"extra\": \"x\"}",
            "{\"parent_library\": [\"os\"], \"base_model_class\": \"BertModel\"}",
            "\"os\"",
            "[]")) {
      ScanReport r = scan("adapter_config.json", adapterConfig(autoMapping));
      assertEquals(List.of(FormatReason.JSON_IMPORTS_MODULE), reasons(r), autoMapping);
    }
    // an escaped key and value are the same to Python's json
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE),
        reasons(
            scan(
                "adapter_config.json",
                "{\"auto\\u005fmapping\": {\"base_model_class\": \"X\", "
                    + "\"parent_library\": \"o\\u0073\"}}")));
  }

  /** Published model_index.json files, as diffusers writes them (json.dumps, indent 2, sorted). */
  /**
   * transformers adds every named special token of tokenizer_config.json to the chat template's
   * variables (special_tokens_map); the template policy reads only *_token and *_tokens as the
   * publisher's text. A token named otherwise would hand {@code messages[k]} a publisher-chosen key
   * ("__class__") that the policy takes for application data.
   */
  @Test
  void namedSpecialTokensMustLookLikeSpecialTokens() throws IOException {
    for (String tokens :
        List.of(
            "{\"image_token\": \"<image>\", \"boi_token\": \"<start_of_image>\"}",
            "{\"audio_token\": {\"content\": \"<audio>\", \"special\": true}}",
            "[\"<a>\", \"<b>\"]",
            "{}")) {
      for (String key : List.of("extra_special_tokens", "model_specific_special_tokens")) {
        ScanReport r = scan("tokenizer_config.json", "{\"" + key + "\": " + tokens + "}");
        assertEquals(List.of(), r.findings(), key + tokens);
      }
    }
    for (String tokens :
        List.of(
            "{\"image_token\": \"<image>\", \"k\": \"__class__\"}",
            "{\"k\": {\"content\": \"__class__\"}}",
            "{\"token\": \"x\"}",
            "{\"k\\u005ftoken\\u0078\": \"x\"}")) {
      for (String key : List.of("extra_special_tokens", "model_specific_special_tokens")) {
        ScanReport r = scan("tokenizer_config.json", "{\"" + key + "\": " + tokens + "}");
        assertEquals(List.of(FormatReason.TEMPLATE_NAME_NOT_ALLOWED), reasons(r), key + tokens);
      }
    }
  }

  private static final String SD_V1_5 =
      """
      {
        "_class_name": "StableDiffusionPipeline",
        "_diffusers_version": "0.6.0",
        "feature_extractor": [
          "transformers",
          "CLIPImageProcessor"
        ],
        "image_encoder": [
          null,
          null
        ],
        "requires_safety_checker": true,
        "safety_checker": [
          "stable_diffusion",
          "StableDiffusionSafetyChecker"
        ],
        "scheduler": [
          "diffusers",
          "PNDMScheduler"
        ],
        "text_encoder": [
          "transformers",
          "CLIPTextModel"
        ],
        "tokenizer": [
          "transformers",
          "CLIPTokenizer"
        ],
        "unet": [
          "diffusers",
          "UNet2DConditionModel"
        ],
        "vae": [
          "diffusers",
          "AutoencoderKL"
        ]
      }
      """;

  private static final String SDXL_BASE_1_0 =
      """
      {
        "_class_name": "StableDiffusionXLPipeline",
        "_diffusers_version": "0.19.0.dev0",
        "force_zeros_for_empty_prompt": true,
        "add_watermarker": null,
        "scheduler": [
          "diffusers",
          "EulerDiscreteScheduler"
        ],
        "text_encoder": [
          "transformers",
          "CLIPTextModel"
        ],
        "text_encoder_2": [
          "transformers",
          "CLIPTextModelWithProjection"
        ],
        "tokenizer": [
          "transformers",
          "CLIPTokenizer"
        ],
        "tokenizer_2": [
          "transformers",
          "CLIPTokenizer"
        ],
        "unet": [
          "diffusers",
          "UNet2DConditionModel"
        ],
        "vae": [
          "diffusers",
          "AutoencoderKL"
        ]
      }
      """;

  private static final String KANDINSKY_2_1 =
      """
      {
        "_class_name": "KandinskyPipeline",
        "_diffusers_version": "0.18.0.dev0",
        "movq": [
          "diffusers",
          "VQModel"
        ],
        "scheduler": [
          "diffusers",
          "DDIMScheduler"
        ],
        "text_encoder": [
          "kandinsky",
          "MultilingualCLIP"
        ],
        "tokenizer": [
          "transformers",
          "XLMRobertaTokenizerFast"
        ],
        "unet": [
          "diffusers",
          "UNet2DConditionModel"
        ]
      }
      """;

  private static final String KANDINSKY_2_2_PRIOR =
      """
      {
        "_class_name": "KandinskyV22PriorPipeline",
        "_diffusers_version": "0.18.0.dev0",
        "image_encoder": [
          "transformers",
          "CLIPVisionModelWithProjection"
        ],
        "image_processor": [
          "transformers",
          "CLIPImageProcessor"
        ],
        "prior": [
          "diffusers",
          "PriorTransformer"
        ],
        "scheduler": [
          "diffusers",
          "UnCLIPScheduler"
        ],
        "text_encoder": [
          "transformers",
          "CLIPTextModelWithProjection"
        ],
        "tokenizer": [
          "transformers",
          "CLIPTokenizer"
        ]
      }
      """;

  private static final String DEEPFLOYD_IF_I =
      """
      {
        "_class_name": "IFPipeline",
        "_diffusers_version": "0.16.0",
        "feature_extractor": [
          "transformers",
          "CLIPImageProcessor"
        ],
        "requires_safety_checker": true,
        "safety_checker": [
          "deepfloyd_if",
          "IFSafetyChecker"
        ],
        "scheduler": [
          "diffusers",
          "DDPMScheduler"
        ],
        "text_encoder": [
          "transformers",
          "T5EncoderModel"
        ],
        "tokenizer": [
          "transformers",
          "T5Tokenizer"
        ],
        "unet": [
          "diffusers",
          "UNet2DConditionModel"
        ],
        "watermarker": [
          "deepfloyd_if",
          "IFWatermarker"
        ]
      }
      """;

  @Test
  void diffusersModelIndexAsPublishedIsAccepted() throws IOException {
    for (String modelIndex :
        List.of(SD_V1_5, SDXL_BASE_1_0, KANDINSKY_2_1, KANDINSKY_2_2_PRIOR, DEEPFLOYD_IF_I)) {
      ScanReport r = scan("model_index.json", modelIndex);
      assertEquals(List.of(), r.findings(), modelIndex);
    }
  }

  /** SD v1-5's model_index.json with its safety_checker component replaced by {@code component}. */
  private static String withSafetyChecker(String component) {
    String published = "[\n    \"stable_diffusion\",\n    \"StableDiffusionSafetyChecker\"\n  ]";
    assertTrue(SD_V1_5.contains(published));
    return SD_V1_5.replace(published, component);
  }

  /**
   * diffusers' load_sub_model imports diffusers.pipelines.<library> if it exists and otherwise the
   * module <library> itself (optimum's ORT pipelines always do), then getattr()s the class and
   * calls into it: any library outside diffusers, transformers and diffusers' pipeline packages is
   * a module the file chooses.
   */
  @Test
  void diffusersComponentImportingAnythingElseIsRefused() throws IOException {
    for (String component :
        List.of(
            "[\"os\", \"system\"]",
            "[\"subprocess\", \"Popen\"]",
            "[\"builtins\", \"exec\"]",
            "[\"o\\u0073\", \"system\"]",
            "[\"transformers_modules.evil.repo\", \"Evil\"]",
            "[\"diffusers.pipelines\", \"StableDiffusionSafetyChecker\"]",
            "[\"Stable_Diffusion\", \"StableDiffusionSafetyChecker\"]",
            "[\"stable_diffusion \", \"StableDiffusionSafetyChecker\"]",
            "[\"pipeline_utils\", \"DiffusionPipeline\"]",
            "[\"\", \"StableDiffusionSafetyChecker\"]",
            "[\"stable_diffusion\", \"__class__\"]",
            "[\"diffusers\", \"os.system\"]",
            "[\"diffusers\", \"\"]",
            "[\"diffusers\", null]",
            "[null, \"StableDiffusionSafetyChecker\"]",
            "[]",
            "[null]",
            "[\"diffusers\"]",
            "[\"diffusers\", \"PNDMScheduler\", \"x\"]",
            "[[\"os\"], \"system\"]",
            "[\"diffusers\", {\"cls\": \"PNDMScheduler\"}]",
            "[1, 2]",
            "[true, false]")) {
      ScanReport r = scan("model_index.json", withSafetyChecker(component));
      assertEquals(List.of(FormatReason.JSON_IMPORTS_MODULE), reasons(r), component);
      assertTrue(r.findings().get(0).message().contains("safety_checker"), component);
    }
  }

  /**
   * transformers 4.x hands a tokenizer the config's value for a file argument rather than the file
   * it found in the model (verified with 4.57.6: T5Tokenizer read "vocab_file":
   * "/tmp/outside/spiece.model" while the model's own spiece.model sat beside the config).
   */
  @Test
  void aTokenizerConfigNamingAVocabularyFileByPathIsRefused() throws IOException {
    for (String member :
        List.of(
            "\"vocab_file\": \"/tmp/outside/spiece.model\"",
            "\"tokenizer_file\": \"../other/tokenizer.json\"",
            "\"merges_file\": \"merges.txt\"",
            "\"spm_file\": \"sentencepiece.bpe.model\"",
            "\"vocab\\u005ffile\": \"/tmp/v.txt\"",
            "\"vocab_file\": [\"/tmp/v.txt\"]")) {
      String config = "{\"tokenizer_class\": \"T5Tokenizer\", " + member + ", \"extra_ids\": 0}";
      assertEquals(
          List.of(FormatReason.JSON_FILE_REFERENCE),
          reasons(scan("tokenizer_config.json", config)),
          member);
      // the rule is about what transformers reads as a tokenizer's configuration
      assertEquals(List.of(), reasons(scan("config.json", config)), member);
    }
  }

  /**
   * transformers 4.57.6, when tokenizer_config.json has no added_tokens_decoder, copies every
   * member of special_tokens_map.json into the tokenizer's arguments after the files it found.
   */
  @Test
  void aSpecialTokensMapNamingAVocabularyFileByPathIsRefused() throws IOException {
    for (String member :
        List.of(
            "\"vocab_file\": \"/tmp/outside/spiece.model\"",
            "\"tokenizer_file\": \"/tmp/outside/tokenizer.json\"")) {
      String map = "{\"eos_token\": \"</s>\", " + member + ", \"unk_token\": \"<unk>\"}";
      assertEquals(
          List.of(FormatReason.JSON_FILE_REFERENCE),
          reasons(scan("special_tokens_map.json", map)),
          member);
    }
    // what transformers writes there
    String written =
        "{\n  \"additional_special_tokens\": [\"<extra_id_0>\"],\n  \"eos_token\": {\n"
            + "    \"content\": \"</s>\", \"lstrip\": false, \"normalized\": false,"
            + " \"rstrip\": false, \"single_word\": false\n  },\n  \"pad_token\": \"<pad>\"\n}";
    assertEquals(List.of(), reasons(scan("special_tokens_map.json", written)));
  }

  @Test
  void aTokenizerConfigWithNullOrLegacyFileMembersIsAccepted() throws IOException {
    // old transformers wrote these; the loader opens its own path for the last four
    String config =
        "{\"tokenizer_file\": null, \"vocab_file\": null,"
            + " \"special_tokens_map_file\": \"/root/.cache/special_tokens_map.json\","
            + " \"added_tokens_file\": \"/root/added_tokens.json\", \"tokenizer_config_file\": null,"
            + " \"chat_template_file\": null, \"name_or_path\": \"/home/me/model\","
            + " \"model_max_length\": 512}";
    assertEquals(List.of(), reasons(scan("tokenizer_config.json", config)));
  }

  /** sentence-transformers/all-MiniLM-L6-v2's modules.json. */
  private static final String MODULES =
      """
      [
        {
          "idx": 0,
          "name": "0",
          "path": "",
          "type": "sentence_transformers.models.Transformer"
        },
        {
          "idx": 1,
          "name": "1",
          "path": "1_Pooling",
          "type": "sentence_transformers.models.Pooling"
        },
        {
          "idx": 2,
          "name": "2",
          "path": "2_Normalize",
          "type": "sentence_transformers.models.Normalize"
        }
      ]""";

  @Test
  void sentenceTransformersModulesAsPublishedAreAccepted() throws IOException {
    assertEquals(List.of(), reasons(scan("modules.json", MODULES)));
  }

  /**
   * sentence-transformers before 6.0 imports a module type outside its namespace from a local
   * directory without trust_remote_code: "owner/repo--module.Class" through transformers' dynamic
   * modules (code fetched from another repository), anything else as an installed module.
   */
  @Test
  void aModuleTypeOutsideSentenceTransformersIsRefused() throws IOException {
    for (String type :
        List.of(
            "attacker/repo--evil.Evil",
            "custom_st.Transformer",
            "torch.serialization",
            "sentence_transformers",
            "sentence_transformers..models.Pooling",
            "sentence_transformers.models.Pooling --x")) {
      String m = MODULES.replace("sentence_transformers.models.Pooling", type);
      assertEquals(
          List.of(FormatReason.JSON_IMPORTS_MODULE), reasons(scan("modules.json", m)), type);
    }
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE),
        reasons(scan("modules.json", "[{\"typ\\u0065\": \"os.system\", \"path\": \"\"}]")));
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE),
        reasons(scan("modules.json", "[{\"type\": [\"sentence_transformers.models.Pooling\"]}]")));
  }

  @Test
  void aModulePathLeavingTheModelIsRefused() throws IOException {
    for (String path : List.of("/tmp/x", "../other", "1_Pooling/../../x", "a\\\\b", "C:x")) {
      String m = MODULES.replace("\"1_Pooling\"", "\"" + path + "\"");
      assertEquals(
          List.of(FormatReason.JSON_FILE_REFERENCE), reasons(scan("modules.json", m)), path);
    }
  }

  /**
   * A sentence-transformers Dense module's config.json: before 6.0 its activation_function was
   * imported and called with no arguments.
   */
  @Test
  void anActivationFunctionOutsideTorchNnIsRefused() throws IOException {
    String dense =
        "{\"in_features\": 768, \"out_features\": 256, \"bias\": true,"
            + " \"activation_function\": \"%s\"}";
    for (String ok :
        List.of(
            "torch.nn.modules.activation.Tanh", "torch.nn.modules.linear.Identity", "gelu_new")) {
      assertEquals(List.of(), reasons(scan("config.json", String.format(dense, ok))), ok);
    }
    for (String bad :
        List.of("os.getpid", "builtins.breakpoint", "torch.nn.modules..x", "torch.hub.load")) {
      assertEquals(
          List.of(FormatReason.JSON_IMPORTS_MODULE),
          reasons(scan("config.json", String.format(dense, bad))),
          bad);
    }
  }

  /** Found by ModelIndexFuzzTest: a member name at the very end of the file crashed the rule. */
  @Test
  void aModelIndexCutAfterAMemberNameIsInvalidJson() throws IOException {
    for (String cut : List.of("{\n  \"_wlass_name\":", "{\"scheduler\":", "{\"scheduler\": ")) {
      assertEquals(List.of(FormatReason.JSON_INVALID), reasons(scan("model_index.json", cut)), cut);
    }
  }

  @Test
  void diffusersCustomPipelineClassNameIsRemoteCode() throws IOException {
    // a list _class_name names a module file and class: a custom pipeline, code the model ships
    String custom =
        SD_V1_5.replace(
            "\"StableDiffusionPipeline\"", "[\n    \"pipeline_evil\",\n    \"EvilPipeline\"\n  ]");
    assertEquals(List.of(FormatReason.JSON_REMOTE_CODE), reasons(scan("model_index.json", custom)));
    // an escaped key is the same key to Python's json
    assertEquals(
        List.of(FormatReason.JSON_REMOTE_CODE),
        reasons(scan("model_index.json", "{\"_class\\u005fname\": [\"p\", \"P\"]}")));
    for (String value : List.of("null", "1", "{\"a\": \"b\"}", "true")) {
      assertEquals(
          List.of(FormatReason.JSON_IMPORTS_MODULE),
          reasons(scan("model_index.json", "{\"_class_name\": " + value + "}")),
          value);
    }
  }

  @Test
  void diffusersComponentRuleCoversEveryArrayMemberAndOnlyModelIndex() throws IOException {
    String osSystem = withSafetyChecker("[\"os\", \"system\"]");
    // any array-valued member is a component, whatever its name, including names other rules own
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE),
        reasons(scan("model_index.json", "{\"auto_map\": [\"os\", \"system\"]}")));
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE),
        reasons(scan("model_index.json", "{\"_ignore_files\": [\"os\", \"system\"]}")));
    // the name in any case, in a subfolder (a pipeline loaded with subfolder=)
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE), reasons(scan("Model_Index.JSON", osSystem)));
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE),
        findings(osSystem.getBytes(StandardCharsets.UTF_8), "pipe/model_index.json"));
    assertEquals(
        List.of(FormatReason.JSON_IMPORTS_MODULE),
        findings(osSystem.getBytes(StandardCharsets.UTF_8), "pipe\\model_index.json"));
    // other JSON files and other members are not components
    assertEquals(List.of(), scan("config.json", osSystem).findings());
    assertEquals(List.of(), scan("model_index.json.bak.json", osSystem).findings());
    assertEquals(
        List.of(),
        scan(
                "model_index.json",
                "{\"_class_name\": \"FluxPipeline\", \"_name_or_path\": \"os\", "
                    + "\"note\": {\"x\": [\"os\", \"system\"]}, \"n\": 1.5, \"b\": false}")
            .findings());
  }

  /** Every pipeline package name is a lower-case identifier that no standard module shares. */
  @Test
  void diffusersPipelinePackagesAreLowerCaseIdentifiers() {
    for (String name : DiffusersPipelinePackages.NAMES) {
      assertTrue(name.matches("[a-z][a-z0-9_]*"), name);
    }
    for (String stdlib : List.of("os", "sys", "subprocess", "builtins", "pickle", "code", "io")) {
      assertFalse(DiffusersPipelinePackages.NAMES.contains(stdlib), stdlib);
    }
    assertTrue(DiffusersPipelinePackages.NAMES.contains("stable_diffusion_xl"));
  }

  /**
   * transformers joins an auto_map module ("module.Class" names module.py) to a local model folder
   * with os.path.join, so an absolute module path imports a file from anywhere with
   * trust_remote_code; custom_pipelines' impl is resolved the same way. Its default model is a
   * repository id and keeps its slash.
   */
  @Test
  void autoMapModulePathIsAFileReference() throws IOException {
    for (String ref :
        List.of(
            "/tmp/evil.EvilModel",
            "C:\\\\evil.M", // JSON text C:\\evil.M
            "C:evil.M", // drive-relative on Windows: os.path.join drops the model folder
            "\\\\\\\\host\\\\share\\\\evil.M",
            "sub/modeling_x.M",
            "\\u002ftmp\\u002fevil.M")) {
      assertEquals(
          List.of(FormatReason.JSON_FILE_REFERENCE),
          reasons(scan("config.json", "{\"auto_map\": {\"AutoModel\": \"" + ref + "\"}}")),
          ref);
    }
    assertEquals(
        List.of(FormatReason.JSON_FILE_REFERENCE),
        reasons(
            scan(
                "tokenizer_config.json",
                "{\"auto_map\": {\"AutoTokenizer\": [\"/opt/t.T\", null]}}")));
    assertEquals(
        List.of(FormatReason.JSON_FILE_REFERENCE),
        reasons(
            scan(
                "config.json",
                "{\"custom_pipelines\": {\"t\": {\"impl\": \"/tmp/p.P\", \"pt\": []}}}")));
    // what PipelineRegistry.to_dict writes: a default model by repository id
    assertEquals(
        List.of(),
        scan(
                "config.json",
                "{\"custom_pipelines\": {\"pair-classification\": {\"impl\":"
                    + " \"custom_pipeline.PairClassificationPipeline\", \"pt\":"
                    + " [\"AutoModelForSequenceClassification\"], \"tf\": [], \"default\":"
                    + " {\"model\": {\"pt\": [\"sgugger/finetuned-bert-mrpc\", \"abc\"]}},"
                    + " \"type\": \"text\"}}}")
            .findings());
  }

  @Test
  void autoMapNamingModulesOfTheModelIsAccepted() throws IOException {
    // Phi-3 style: the classes also ship in transformers; the local .py files are refused by name
    assertEquals(
        List.of(),
        scan(
                "config.json",
                "{\"auto_map\": {\"AutoConfig\": \"configuration_phi3.Phi3Config\", "
                    + "\"AutoModelForCausalLM\": \"modeling_phi3.Phi3ForCausalLM\"}, "
                    + "\"note\": \"a--b\"}")
            .findings());
  }

  @Test
  void duplicateKeyAtAnyLevel() throws IOException {
    assertEquals(
        List.of(FormatReason.JSON_DUPLICATE_KEY),
        reasons(scan("config.json", "{\"a\": {\"b\": 1, \"b\": 2}}")));
    assertEquals(
        List.of(FormatReason.JSON_DUPLICATE_KEY),
        reasons(scan("config.json", "{\"a\": 1, \"a\": 1}")));
  }

  @Test
  void invalidJson() throws IOException {
    assertEquals(List.of(FormatReason.JSON_INVALID), reasons(scan("config.json", "{\"a\": 1,}")));
    assertEquals(List.of(FormatReason.JSON_INVALID), reasons(scan("config.json", "{\"a\": nan}")));
    assertEquals(List.of(FormatReason.JSON_INVALID), reasons(scan("config.json", "{\"a\": 1} x")));
    assertEquals(
        List.of(FormatReason.JSON_INVALID),
        findings("{\"a\": \"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1), LoadPolicy.strict()));
  }

  @Test
  void limits() {
    byte[] deep = ("[".repeat(65) + "]".repeat(65)).getBytes();
    assertEquals(List.of(FormatReason.JSON_LIMIT_EXCEEDED), findings(deep, LoadPolicy.strict()));
    assertEquals(
        List.of(), findings(("[".repeat(64) + "]".repeat(64)).getBytes(), LoadPolicy.strict()));
    byte[] doc = "{\"a\": \"xxxxxxxxxx\", \"b\": 1}".getBytes();
    assertEquals(List.of(), findings(doc, LoadPolicy.strict()));
    assertEquals(
        List.of(FormatReason.JSON_LIMIT_EXCEEDED), findings(doc, with(Json.MAX_STRING_BYTES, 9L)));
    assertEquals(
        List.of(FormatReason.JSON_LIMIT_EXCEEDED),
        findings(doc, with(Json.MAX_OBJECT_MEMBERS, 1L)));
    assertEquals(
        List.of(FormatReason.JSON_LIMIT_EXCEEDED), findings(doc, with(Json.MAX_BYTES, 10L)));
    assertEquals(
        List.of(FormatReason.JSON_LIMIT_EXCEEDED),
        findings("{\"a\": []}".getBytes(), with(Json.MAX_DEPTH, 1L)));
    assertEquals(
        List.of(FormatReason.JSON_LIMIT_EXCEEDED),
        findings(("[1" + "0".repeat(1000) + "]").getBytes(), LoadPolicy.strict()));
  }

  @Test
  void bomIsNotJson() throws IOException {
    Path p =
        Files.write(
            dir.resolve("config.json"), ("\ufeff" + CONFIG).getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), reasons(SCANNER.scan(p)));
  }

  @Test
  void detection() {
    assertEquals(Confidence.STRUCTURAL, detect(" \n{}"));
    assertEquals(Confidence.STRUCTURAL, detect("[1]"));
    assertEquals(Confidence.NONE, detect("\"s\""));
    assertEquals(Confidence.NONE, detect("   "));
    assertEquals(Confidence.STRUCTURAL, detect("{ \"a\": 1}"));
    assertEquals(Confidence.STRUCTURAL, detect("{\n}"));
    assertEquals(Confidence.STRUCTURAL, detect("{  "), "the head ends inside the object");
    // Jinja templates open with a tag; no JSON object continues with '{', '%', '#' or a bare word
    assertEquals(Confidence.NONE, detect("{{ bos_token }}"));
    assertEquals(Confidence.NONE, detect("{%- if x %}"));
    assertEquals(Confidence.NONE, detect("{# c #}"));
    assertEquals(Confidence.NONE, detect("{ x }"));
    byte[] safetensors = {2, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    assertEquals(Confidence.NONE, HANDLER.detect(ByteBuffer.wrap(safetensors), 10));
    byte[] braceLength = {'{', 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    assertEquals(
        Confidence.NONE,
        HANDLER.detect(ByteBuffer.wrap(braceLength), 10),
        "a length whose low byte is '{'");
  }

  private static Confidence detect(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return HANDLER.detect(ByteBuffer.wrap(b), b.length);
  }

  private static LoadPolicy with(Setting<Long> s, long v) {
    return LoadPolicy.strict().toBuilder().set(s, v).build();
  }

  private ScanReport scan(String name, String content) throws IOException {
    return SCANNER.scan(Files.writeString(dir.resolve(name), content));
  }

  private static List<ReasonCode> reasons(ScanReport r) {
    return r.findings().stream().map(Finding::reason).toList();
  }

  private static List<ReasonCode> findings(byte[] bytes, String fileName) {
    return findings(bytes, LoadPolicy.strict(), fileName);
  }

  private static List<ReasonCode> findings(byte[] bytes, LoadPolicy policy) {
    return findings(bytes, policy, "f.json");
  }

  private static List<ReasonCode> findings(byte[] bytes, LoadPolicy policy, String fileName) {
    List<Finding> sink = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting(fileName, policy, sink);
    try {
      HANDLER.validate(ModelBytes.of(ByteBuffer.wrap(bytes)), ctx);
    } catch (FormatException e) {
      ctx.report(e.reason(), e.offset(), e.getMessage());
    }
    return sink.stream().map(Finding::reason).toList();
  }
}
