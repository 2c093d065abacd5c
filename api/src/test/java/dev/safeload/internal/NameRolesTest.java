package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.safeload.FileGlob;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stage 2 on its own: what a name says, in the documented order. */
class NameRolesTest {

  /** A handler that only names things. */
  record Named(String id, Set<String> extensions, Set<String> fileNames, Set<String> nameSuffixes)
      implements FormatHandler {
    @Override
    public Confidence detect(ByteBuffer head, long fileSize) {
      return Confidence.NONE;
    }

    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      return ModelDescription.empty(id);
    }
  }

  static final Named JSON = new Named("json", Set.of("json"), Set.of(), Set.of());
  static final Named INDEX =
      new Named("index", Set.of(), Set.of(), Set.of(".safetensors.index.json"));
  static final Named SPM = new Named("spm", Set.of(), Set.of("tokenizer.model"), Set.of());
  static final Named TIKTOKEN =
      new Named("tiktoken", Set.of("tiktoken"), Set.of("tokenizer.model"), Set.of());
  static final NameRoles ROLES =
      new NameRoles(
          List.of(JSON, INDEX, SPM, TIKTOKEN), List.of(FileGlob.of("README.md"), FileGlob.of("*")));

  @Test
  void codeComesFirst() {
    assertEquals(new NameRoles.Code("py"), ROLES.of("modeling_x.py"));
    assertEquals(new NameRoles.Code("so"), ROLES.of("lib/ext.so"));
    // a versioned shared object and a Python zip application are code too
    assertEquals(new NameRoles.Code("so"), ROLES.of("lib/libops.so.1.2"));
    assertEquals(new NameRoles.Code("pyz"), ROLES.of("tools/run.pyz"));
    assertEquals(new NameRoles.Code("node"), ROLES.of("addon.node"));
    // A dotfile: transformers imports ".py" for the auto_map entry ".C" (module name "").
    assertEquals(new NameRoles.Code("py"), ROLES.of(".py"));
    assertEquals(new NameRoles.Code("py"), ROLES.of("sub/.Py"));
    assertEquals(new NameRoles.Opaque("*"), ROLES.of("py"));
    // and transformers' *.jinja glob takes additional_chat_templates/.jinja (template "")
    assertEquals(new NameRoles.UnreadFormat("jinja"), ROLES.of("additional_chat_templates/.jinja"));
  }

  @Test
  void anExactNameOutranksEverySuffix() {
    NameRoles.Role r = ROLES.of("original/tokenizer.model");
    assertEquals(new NameRoles.Claimed(List.of(SPM, TIKTOKEN), "tokenizer.model"), r);
  }

  /**
   * A case-insensitive file system serves Tokenizer.MODEL to a loader opening tokenizer.model, and
   * folds a long s to s: names and extensions are compared folded.
   */
  @Test
  void wellKnownNamesAndExtensionsMatchFolded() {
    assertEquals(
        new NameRoles.Claimed(List.of(SPM, TIKTOKEN), "Tokenizer.MODEL"),
        ROLES.of("original/Tokenizer.MODEL"));
    assertEquals(new NameRoles.Code("sh"), ROLES.of("run.\u017Fh"));
    assertEquals(new NameRoles.Claimed(List.of(JSON), ".json"), ROLES.of("config.J\u017FON"));
  }

  @Test
  void theLongestEndingWins() {
    assertEquals(
        new NameRoles.Claimed(List.of(INDEX), ".safetensors.index.json"),
        ROLES.of("model.safetensors.index.json"));
    assertEquals(new NameRoles.Claimed(List.of(JSON), ".json"), ROLES.of("config.json"));
    assertEquals(
        new NameRoles.Claimed(List.of(JSON), ".json"), ROLES.of(".safetensors.index.json"));
  }

  @Test
  void aLoaderFormatNoHandlerReadsIsNeitherOpaqueNorSilent() {
    assertEquals(new NameRoles.UnreadFormat("h5"), ROLES.of("tf_model.h5"));
    assertEquals(new NameRoles.UnreadFormat("bin"), ROLES.of("pytorch_model.bin"));
    // programs their runtimes run: never served as opaque bytes under the "*" pattern
    for (String ext : List.of("pt2", "pte", "ptl", "engine", "plan", "trt", "sav")) {
      assertEquals(new NameRoles.UnreadFormat(ext), ROLES.of("model." + ext));
    }
  }

  @Test
  void opaquePatternsApplyOnlyToNamesThatSayNothing() {
    assertInstanceOf(NameRoles.Opaque.class, ROLES.of("README.md"));
    assertInstanceOf(NameRoles.Opaque.class, ROLES.of(".gitattributes"));
    assertInstanceOf(NameRoles.Claimed.class, ROLES.of("config.json"));
    NameRoles none = new NameRoles(List.of(JSON), List.of());
    assertEquals(new NameRoles.Silent(), none.of("LICENSE"));
  }
}
