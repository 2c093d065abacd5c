package dev.safeload.cli;

import dev.safeload.FileGlob;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --ignore}, {@code --opaque} and {@code --allow-license} options of {@code scan},
 * {@code verify}, {@code pin}, {@code sign} and {@code bom}, as {@code
 * LoadPolicy.Builder.ignoreFiles}, {@code opaqueFiles} and {@code allowLicenses} do in code.
 * Patterns have {@code .gitignore} meaning ({@link FileGlob}); an invalid one is a usage error
 * reported on one line (see {@link Main}).
 */
final class IgnoreOption {
  /** Option names whose values are file patterns, for the one-line usage error. */
  static final List<String> NAMES = List.of("--ignore", "--opaque", "--allow-license");

  @Option(
      names = "--ignore",
      paramLabel = "GLOB",
      converter = Glob.class,
      description = {
        "Leave files matching GLOB out of the model: not checked, not hashed, not served,",
        "listed as ignored. Gitignore meaning: '*.md' matches at any depth, 'docs/*.md' and",
        "'/README.md' only there. Repeatable."
      })
  List<String> globs = new ArrayList<>();

  @Option(
      names = "--opaque",
      paramLabel = "GLOB",
      converter = Glob.class,
      description = {
        "Serve files matching GLOB that no handler judges (a model card, a licence) as",
        "format 'opaque': still hashed and proven, never for names of a loader format or code.",
        "Repeatable."
      })
  List<String> opaque = new ArrayList<>();

  @Option(
      names = "--allow-license",
      paramLabel = "SPDX",
      converter = License.class,
      description = {
        "Refuse a model unless every licence it declares (GGUF general.license,",
        "safetensors/ONNX metadata 'license', README.md front matter when served with --opaque)",
        "is allowed: LICENSE_NOT_ALLOWED, or LICENSE_UNKNOWN if none is declared or a declaration",
        "is not an SPDX expression. Repeatable: --allow-license MIT --allow-license Apache-2.0.",
        "Without it, licences are only reported."
      })
  List<String> licenses = new ArrayList<>();

  /** Checks an SPDX expression as the policy will read it. */
  static final class License implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        dev.safeload.LoadPolicy.strict().toBuilder().allowLicenses(value);
        return value;
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Checks a pattern as the loader will read it, so a bad one fails before any file is read. */
  static final class Glob implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        return FileGlob.of(value).pattern();
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
