package dev.safeload.bom.internal;

import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Signer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a {@link Proof} is written into a BOM: the CycloneDX technique it counts as, a one-line
 * statement for people, and {@code safeload:proof:} properties that keep every part of it for
 * tools. The BOM only writes what the loader's proofs say; it never re-runs a verifier.
 */
final class ProofEvidence {
  private ProofEvidence() {}

  /**
   * The CycloneDX {@code evidence.identity.methods.technique}: a pin is a {@code hash-comparison};
   * a signature and a build attestation are both an {@code attestation} (a signed statement about
   * the file's digest), told apart by the {@code technique} property.
   */
  static String cyclonedxTechnique(Proof p) {
    return switch (p.technique()) {
      case PIN -> "hash-comparison";
      case SIGNATURE, ATTESTATION -> "attestation";
    };
  }

  /**
   * {@code signature by alice@example.com (https://issuer) via oms-signature from model.sig, 3
   * files}.
   */
  static String statement(Proof p) {
    StringBuilder s = new StringBuilder(name(p.technique()));
    Signer signer = p.signer();
    if (signer != null) {
      s.append(" by ").append(signer);
    }
    s.append(" via ").append(p.verifier());
    String source = p.attribute(Proof.SOURCE);
    if (source != null) {
      s.append(" from ").append(source);
    }
    int n = p.files().size();
    return s.append(", ").append(n).append(n == 1 ? " file" : " files").toString();
  }

  /**
   * Properties for each proof of a file: {@code safeload:proof:ID:technique} and, where there are
   * any, {@code :signer}, {@code :signer-kind}, {@code :signer-issuer} and one per attribute
   * ({@code :source}, {@code :source-repository}, {@code :source-commit}, ...). {@code ID} is the
   * verifier's id, with {@code #2}, {@code #3} appended if one verifier made several proofs of the
   * file.
   */
  static void addProperties(List<Map.Entry<String, String>> props, List<Proof> proofs) {
    Map<String, Integer> seen = new HashMap<>();
    for (Proof p : proofs) {
      int n = seen.merge(p.verifier(), 1, Integer::sum);
      String prefix = "safeload:proof:" + p.verifier() + (n == 1 ? "" : "#" + n) + ":";
      props.add(Map.entry(prefix + "technique", name(p.technique())));
      Signer signer = p.signer();
      if (signer != null) {
        props.add(Map.entry(prefix + "signer", signer.identity()));
        props.add(
            Map.entry(
                prefix + "signer-kind",
                signer.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        if (signer.issuer() != null) {
          props.add(Map.entry(prefix + "signer-issuer", signer.issuer()));
        }
      }
      p.attributes().forEach((k, v) -> props.add(Map.entry(prefix + k, v)));
    }
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
