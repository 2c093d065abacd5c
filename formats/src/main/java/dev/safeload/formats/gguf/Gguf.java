package dev.safeload.formats.gguf;

import dev.safeload.Setting;

/**
 * Limits and trusted chat templates of the GGUF handler.
 *
 * <p>Set through the policy ({@code LoadPolicy.Builder.set}); the defaults are the values below.
 */
public final class Gguf {
  private Gguf() {}

  /** Most tensors in one file. */
  public static final Setting<Long> MAX_TENSORS = Setting.limit("gguf.maxTensors", 1_000_000);

  /** Most metadata key/value pairs in one file. */
  public static final Setting<Long> MAX_KEYS = Setting.limit("gguf.maxKeys", 65_536);

  /** Longest key, tensor name or ordinary string value, in bytes. */
  public static final Setting<Long> MAX_STRING_BYTES =
      Setting.limit("gguf.maxStringBytes", 1L << 20);

  /** Longest chat template or {@code tokenizer.huggingface.json} value, in bytes. */
  public static final Setting<Long> MAX_LARGE_STRING_BYTES =
      Setting.limit("gguf.maxLargeStringBytes", 64L << 20);

  /** Most elements in one metadata array (vocabularies are a few hundred thousand). */
  public static final Setting<Long> MAX_ARRAY_ELEMENTS =
      Setting.limit("gguf.maxArrayElements", 4L << 20);

  /** Largest {@code general.alignment} accepted (the smallest is 8, as the spec requires). */
  public static final Setting<Long> MAX_ALIGNMENT = Setting.limit("gguf.maxAlignment", 65_536);

  /**
   * Largest {@code <arch>.block_count} (llama.cpp's LLAMA_MAX_LAYERS; more overflowed its arrays).
   */
  public static final Setting<Long> MAX_BLOCK_COUNT = Setting.limit("gguf.maxBlockCount", 512);

  /**
   * SHA-256 digests (of the UTF-8 text) of trusted chat templates, wherever they live: GGUF
   * metadata, JSON side files, {@code chat_template.jinja}/{@code .json}. Empty (the default):
   * templates must pass the chat-template policy. Non-empty: every template must be pinned.
   */
  public static final Setting<ChatTemplatePins> ALLOWED_CHAT_TEMPLATES =
      Setting.of("gguf.allowedChatTemplates", ChatTemplatePins.class, ChatTemplatePins.none());
}
