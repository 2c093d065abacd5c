package dev.safeload.formats.modelcard;

import dev.safeload.DeclaredLicense;
import dev.safeload.formats.internal.modelcard.FrontMatter;
import dev.safeload.spi.FileDescriber;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code license} of a Hugging Face model card ({@code README.md}) served as an opaque
 * file: the card keeps its role (opaque bytes, no format claim); the licence it declares becomes a
 * {@link DeclaredLicense} with field {@code front matter license} (or {@code front matter
 * license[i]} for the i-th item of a list). Only the first {@value FrontMatter#MAX_BYTES} bytes are
 * read; see {@code FrontMatter} for the subset of YAML it takes.
 */
public final class ModelCardDescriber implements FileDescriber {
  /** The field name reported for a single {@code license} value. */
  public static final String FIELD = "front matter license";

  @Override
  public String id() {
    return "model-card";
  }

  @Override
  public Set<String> fileNames() {
    return Set.of("README.md");
  }

  @Override
  public ModelDescription describe(ModelBytes bytes, ValidationContext ctx) {
    int n =
        (int) Math.min(bytes.size(), FrontMatter.MAX_BYTES + 8L); // the BOM and both markers fit
    List<String> values = FrontMatter.licenses(bytes.slice(0, n));
    List<DeclaredLicense> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(
          new DeclaredLicense(
              values.get(i).strip(),
              ctx.fileName(),
              values.size() == 1 ? FIELD : FIELD + "[" + i + "]"));
    }
    return new ModelDescription("opaque", List.of(), Map.of(), List.of(), out);
  }
}
