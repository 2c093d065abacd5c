package dev.safeload.formats.gguf;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.gguf.GgufParser;
import dev.safeload.formats.internal.template.TemplateSources;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates GGUF v2/v3 files (llama.cpp / ggml): header, all 13 metadata value types, the ggml
 * tensor type table (ids 0-42), tensor shapes and sizes with checked arithmetic, alignment,
 * contiguous in-bounds tensor data, and no trailing bytes. Chat templates ({@code
 * tokenizer.chat_template} and named templates) are code: each is reported in the description with
 * its SHA-256 under the key {@code sha256(<key>)} and judged by the chat-template policy (the
 * {@code TEMPLATE_*} codes), or, when the policy pins template hashes ({@link
 * Gguf#ALLOWED_CHAT_TEMPLATES}), rejected unless pinned ({@code GGUF_CHAT_TEMPLATE_NOT_PINNED}). A
 * named template's name must be {@code [A-Za-z0-9_.-]{1,64}}.
 *
 * <p>Handler id {@code gguf}, extension {@code .gguf}.
 */
public final class GgufHandler implements FormatHandler {

  /** Creates the handler (found through {@link java.util.ServiceLoader}). */
  public GgufHandler() {}

  @Override
  public String id() {
    return "gguf";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("gguf");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    // Any version counts as GGUF so that an unsupported version is reported as such, not as
    // unknown.
    if (head.remaining() >= 4
        && head.get(0) == 'G'
        && head.get(1) == 'G'
        && head.get(2) == 'U'
        && head.get(3) == 'F') {
      return Confidence.MAGIC;
    }
    return Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    GgufParser.Limits limits =
        new GgufParser.Limits(
            context.limit(Gguf.MAX_TENSORS),
            context.limit(Gguf.MAX_KEYS),
            context.limit(Gguf.MAX_STRING_BYTES),
            context.limit(Gguf.MAX_LARGE_STRING_BYTES),
            context.limit(Gguf.MAX_ARRAY_ELEMENTS),
            context.limit(Gguf.MAX_ALIGNMENT),
            context.limit(Gguf.MAX_BLOCK_COUNT));
    GgufParser.Result r = GgufParser.parse(bytes, limits);
    for (GgufParser.ChatTemplate t : r.templates()) {
      if (t.key().startsWith("tokenizer.chat_template.")
          && !TemplateSources.validName(t.key().substring("tokenizer.chat_template.".length()))) {
        context.report(
            FormatReason.TEMPLATE_CONTAINER_INVALID,
            -1,
            t.key() + ": template name longer than 64 characters");
      }
      TemplateSources.judge(
          t.key(),
          t.text(),
          t.sha256(),
          context,
          FormatReason.GGUF_CHAT_TEMPLATE_NOT_PINNED,
          new LinkedHashMap<>()); // the parser already describes sha256(<key>)
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("gguf:version", Integer.toString(r.version()));
    metadata.put("gguf:alignment", Long.toString(r.alignment()));
    metadata.putAll(r.metadata());
    return new ModelDescription(
        id(),
        r.tensors(),
        metadata,
        List.of(),
        dev.safeload.formats.internal.modelcard.Licenses.from(
            r.metadata(), context.fileName(), new String[] {"general.license", "general.license"}));
  }

  private static final java.util.regex.Pattern SHARD_NAME =
      java.util.regex.Pattern.compile("(.+)-(\\d{5})-of-(\\d{5})\\.gguf");

  /**
   * Split models ({@code split.no}, {@code split.count}): each shard is named {@code
   * <prefix>-<no+1>-of-<count>.gguf} with five digits; the first shard checks that every other
   * shard is a verified GGUF file of this model with the same count, that no tensor name repeats
   * across shards, and that the total matches {@code split.tensors.count}.
   */
  @Override
  public void validateModel(
      ModelView.ValidatedFile self, ModelView model, ValidationContext context) {
    Map<String, String> meta = self.description().metadata();
    String count = meta.get("split.count");
    String no = meta.get("split.no");
    if (count == null && no == null) {
      return;
    }
    if (count == null || no == null) {
      context.report(
          FormatReason.GGUF_SHARD_INVALID, -1, "split.no and split.count must appear together");
      return;
    }
    int n = Integer.parseInt(count);
    int index = Integer.parseInt(no);
    String base = self.name().substring(self.name().lastIndexOf('/') + 1);
    java.util.regex.Matcher m = SHARD_NAME.matcher(base);
    if (n < 1
        || index >= n
        || !m.matches()
        || Integer.parseInt(m.group(2)) != index + 1
        || Integer.parseInt(m.group(3)) != n) {
      context.report(
          FormatReason.GGUF_SHARD_INVALID,
          -1,
          self.name()
              + " is shard "
              + (index + 1)
              + " of "
              + n
              + " but is not named <prefix>-"
              + String.format(java.util.Locale.ROOT, "%05d-of-%05d", index + 1, n)
              + ".gguf");
      return;
    }
    if (index != 0) {
      return; // the first shard checks the set
    }
    String dir = self.name().substring(0, self.name().lastIndexOf('/') + 1);
    Set<String> names = new java.util.HashSet<>();
    long tensors = 0;
    // A tiny first shard may claim up to 65535 shards: missing ones are reported once, not one by
    // one.
    String firstMissing = null;
    int missing = 0;
    for (int i = 0; i < n; i++) {
      String name =
          dir + m.group(1) + String.format(java.util.Locale.ROOT, "-%05d-of-%05d.gguf", i + 1, n);
      java.util.Optional<ModelView.ValidatedFile> shard =
          i == 0 ? java.util.Optional.of(self) : model.file(name);
      if (shard.isEmpty() || !shard.get().format().equals(id())) {
        firstMissing = firstMissing == null ? name : firstMissing;
        missing++;
        continue;
      }
      Map<String, String> sm = shard.get().description().metadata();
      if (!count.equals(sm.get("split.count")) || !Integer.toString(i).equals(sm.get("split.no"))) {
        context.report(
            FormatReason.GGUF_SHARD_INVALID, -1, name + " disagrees on split.no or split.count");
      }
      for (dev.safeload.spi.TensorInfo t : shard.get().description().tensors()) {
        tensors++;
        if (!names.add(t.name())) {
          context.report(
              FormatReason.GGUF_SHARD_INVALID,
              -1,
              "tensor " + t.name() + " appears in more than one shard");
          return;
        }
      }
    }
    if (missing > 0) {
      context.report(
          FormatReason.GGUF_SHARD_INVALID,
          -1,
          "shard "
              + firstMissing
              + " is not a verified GGUF file of this model"
              + (missing > 1
                  ? " (nor are " + (missing - 1) + " more of the " + n + " shards)"
                  : ""));
    }
    String declared = meta.get("split.tensors.count");
    if (declared != null && Long.parseLong(declared) != tensors) {
      context.report(
          FormatReason.GGUF_SHARD_INVALID,
          -1,
          "split.tensors.count is " + declared + " but the shards hold " + tensors + " tensors");
    }
  }
}
