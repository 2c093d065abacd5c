package dev.safeload.internal;

import dev.safeload.FileGlob;
import dev.safeload.spi.FormatHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Stage 2: the role a file's name gives it. Principle 3 of the design: a file's role comes from its
 * content, its name and the references other files make to it, and every source that speaks must
 * agree. This class is the name's voice; {@link FileValidation} hears the content and {@link
 * CrossFileChecks} the references.
 *
 * <p>In check order:
 *
 * <ol>
 *   <li>A name that says code ({@code .py}, {@code .so} also versioned as {@code .so.1}, {@code
 *       .sh}, {@code .pyz}, {@code .node}, …), a dotfile such as {@code .py} included ({@link
 *       Engine#extension}), is {@link Code}: loaders import or execute such files (transformers
 *       imports {@code modeling_*.py} for remote code, and {@code .py} for an {@code auto_map}
 *       entry {@code ".C"}).
 *   <li>A name that handlers claim — a well-known name ({@link FormatHandler#fileNames()}, in any
 *       case: compared folded, as a case-insensitive file system compares them), else the longest
 *       matching ending ({@link FormatHandler#nameSuffixes()} or an extension) — is {@link Claimed}
 *       by those handlers: the file must validate as one of them. When only an extension claims it
 *       and none of its handlers lists that extension as its own ({@link
 *       FormatHandler#exclusiveExtensions()}: PyTorch's {@code .bin} is also the usual name of ONNX
 *       external data), a file none of them recognises may still be claimed as data that a valid
 *       file references ({@link #sharedWithData}), second readers included; unreferenced, it stays
 *       {@code UNKNOWN_FORMAT}.
 *   <li>A name with an extension that loaders open as a model format no handler reads ({@code .h5},
 *       {@code .keras}, {@code .pb}, {@code .joblib}, …) is {@link UnreadFormat}: it can never be
 *       served as anything else, not even as data another file references.
 *   <li>A name an opaque pattern matches is {@link Opaque}: served without a format claim if no
 *       handler recognises its content.
 *   <li>Anything else is {@link Silent}: the content alone decides.
 * </ol>
 */
final class NameRoles {
  /** Extensions of files that Python, shells and dynamic loaders run. */
  static final Set<String> CODE_EXTENSIONS =
      Set.of(
          "py", "pyc", "pyo", "pyd", "pyx", "pyw", "pth-py", "so", "dll", "dylib", "sh", "bash",
          "zsh", "bat", "cmd", "ps1", "exe", "jar", "class", "js", "mjs", "cjs", "rb", "pl", "lua",
          "ipynb", "whl", "egg", "pyz", "pyzw", "node", "wasm", "bundle", "vbs", "psm1", "ksh",
          "csh", "fish", "command");

  /**
   * Extensions that a common loader opens as a model or archive format. Those no handler claims
   * mark a file that can be neither validated nor served as raw data.
   */
  static final Set<String> LOADER_EXTENSIONS =
      Set.of(
          "bin",
          "pt",
          "pth",
          "pkl",
          "pickle",
          "ckpt",
          "joblib",
          "dill",
          "npy",
          "npz",
          "json",
          "safetensors",
          "gguf",
          "ggml",
          "ggjt",
          "llamafile",
          "onnx",
          "ort",
          "h5",
          "hdf5",
          "keras",
          "pb",
          "tflite",
          "lite",
          "msgpack",
          "mar",
          "nemo",
          "mlmodel",
          "pdparams",
          "pdmodel",
          "params",
          "ot",
          "zip",
          "tar",
          "gz",
          "tgz",
          "bz2",
          "xz",
          "zst",
          "lz4",
          "7z",
          "rar",
          "jinja",
          "tiktoken",
          // Program archives and engines that their runtimes execute or deserialize: torch.export
          // (.pt2), ExecuTorch (.pte), PyTorch Lite (.ptl), TensorRT engines with their plug-ins
          // (.engine, .plan, .trt), and scikit-learn/joblib dumps (.sav).
          "pt2",
          "pte",
          "ptl",
          "engine",
          "plan",
          "trt",
          "sav");

  /** What a name says. */
  sealed interface Role permits Code, Claimed, UnreadFormat, Opaque, Silent {}

  /** The name says code. */
  record Code(String extension) implements Role {}

  /** Handlers claim the name; {@code match} is the name or ending that matched. */
  record Claimed(List<FormatHandler> handlers, String match) implements Role {}

  /** The name says a loader format that no handler reads. */
  record UnreadFormat(String extension) implements Role {}

  /** An opaque pattern matches the name and nothing else speaks for it. */
  record Opaque(String pattern) implements Role {}

  /** The name says nothing. */
  record Silent() implements Role {}

  private final List<FormatHandler> handlers;
  private final List<FileGlob> opaque;

  NameRoles(List<FormatHandler> handlers, List<FileGlob> opaque) {
    this.handlers = handlers;
    this.opaque = opaque;
  }

  Role of(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    String lower = ModelNames.folded(base);
    String ext = Engine.extension(name); // a dotfile's too: ".py" is code, ".jinja" a template
    if (CODE_EXTENSIONS.contains(ext)) {
      return new Code(ext);
    }
    if (versionedSharedObject(lower)) {
      return new Code("so");
    }
    // Folded as a case-insensitive file system compares names: there, a loader that opens
    // tokenizer.model or vocab.txt gets Tokenizer.model or VOCAB.TXT.
    List<FormatHandler> exact = new ArrayList<>();
    for (FormatHandler h : handlers) {
      if (h.fileNames().stream().anyMatch(n -> ModelNames.folded(n).equals(lower))) {
        exact.add(h);
      }
    }
    if (!exact.isEmpty()) {
      return new Claimed(List.copyOf(exact), base);
    }
    List<FormatHandler> best = new ArrayList<>();
    String bestMatch = "";
    for (FormatHandler h : handlers) {
      String m = longestEnding(h, lower, ext);
      if (m.length() > bestMatch.length()) {
        best.clear();
        bestMatch = m;
      }
      if (!m.isEmpty() && m.length() == bestMatch.length()) {
        best.add(h);
      }
    }
    if (!best.isEmpty()) {
      return new Claimed(List.copyOf(best), bestMatch);
    }
    if (LOADER_EXTENSIONS.contains(ext)) {
      return new UnreadFormat(ext);
    }
    for (FileGlob g : opaque) {
      if (g.matches(name)) {
        return new Opaque(g.pattern());
      }
    }
    return new Silent();
  }

  /**
   * Whether a lower-case base name is a versioned shared object ({@code libops.so.1}, {@code
   * libops.so.1.2}): what follows the last {@code .so.} is dot-separated digits. One pass.
   */
  static boolean versionedSharedObject(String lower) {
    int so = lower.lastIndexOf(".so.");
    if (so <= 0) {
      return false;
    }
    boolean digit = false;
    for (int i = so + 4; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c == '.' && digit) {
        digit = false;
      } else {
        return false;
      }
    }
    return digit;
  }

  /** The longest ending of {@code lower} (with its dot) that {@code h} claims, or "". */
  private static String longestEnding(FormatHandler h, String lower, String ext) {
    String best = "";
    for (String suffix : h.nameSuffixes()) {
      if (suffix.length() > best.length()
          && lower.endsWith(suffix)
          && lower.length() > suffix.length()) {
        best = suffix;
      }
    }
    if (!ext.isEmpty() && ("." + ext).length() > best.length() && h.extensions().contains(ext)) {
      best = "." + ext;
    }
    return best;
  }

  /**
   * Whether {@code name} is claimed only by its extension, which none of the claiming handlers
   * lists as exclusively its own: raw data another file references may carry it.
   */
  static boolean sharedWithData(Claimed claimed, String name) {
    String ext = Engine.extension(name);
    return !ext.isEmpty()
        && claimed.match().equals("." + ext)
        && claimed.handlers().stream().noneMatch(h -> h.exclusiveExtensions().contains(ext));
  }

  /** Whether the name implies a format or code, so that it may never be served as raw data. */
  static boolean speaks(Role role) {
    return !(role instanceof Silent) && !(role instanceof Opaque);
  }
}
