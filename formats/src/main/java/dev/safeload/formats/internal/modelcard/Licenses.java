package dev.safeload.formats.internal.modelcard;

import dev.safeload.DeclaredLicense;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The licences a file's metadata declares, with where each was read, for the handlers'
 * descriptions.
 */
public final class Licenses {
  private Licenses() {}

  /**
   * One declaration per metadata key present, in the order of {@code keys}; each key pairs the
   * metadata key with the field name reported ({@code {"metadata_props.license",
   * "metadata_props.license"}}).
   */
  public static List<DeclaredLicense> from(
      Map<String, String> metadata, String file, String[]... keys) {
    List<DeclaredLicense> out = new ArrayList<>();
    for (String[] k : keys) {
      String v = metadata.get(k[0]);
      if (v != null) {
        out.add(new DeclaredLicense(v.strip(), file, k[1]));
      }
    }
    return out;
  }
}
