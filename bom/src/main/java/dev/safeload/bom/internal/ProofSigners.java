package dev.safeload.bom.internal;

import dev.safeload.bom.BomFormatException;
import dev.safeload.provenance.Signer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the signers back out of the {@code safeload:proof:ID:signer}, {@code :signer-kind} and
 * {@code :signer-issuer} entries that {@link ProofEvidence#addProperties} writes for one file, so
 * that a reader returns each signer whole (kind, identity, issuer) rather than a display string.
 * Other {@code safeload:proof:} entries are ignored.
 */
final class ProofSigners {
  private static final String PREFIX = "safeload:proof:";

  /** Parts per proof prefix ({@code ID} or {@code ID#2}), in document order. */
  private final Map<String, String[]> parts = new LinkedHashMap<>();

  /** Takes one property or annotation; returns whether it was a signer part. */
  boolean accept(String name, @Nullable String value, String where) throws BomFormatException {
    if (!name.startsWith(PREFIX)) {
      return false;
    }
    int colon = name.lastIndexOf(':');
    String proof = name.substring(PREFIX.length(), Math.max(PREFIX.length(), colon));
    int slot =
        switch (name.substring(colon + 1)) {
          case "signer" -> 0;
          case "signer-kind" -> 1;
          case "signer-issuer" -> 2;
          default -> -1;
        };
    if (slot < 0 || proof.isEmpty()) {
      return false;
    }
    if (value == null) {
      throw new BomFormatException(where + " has no value");
    }
    String[] p = parts.computeIfAbsent(proof, k -> new String[3]);
    if (p[slot] != null) {
      throw new BomFormatException(where + ": a second " + name);
    }
    p[slot] = value;
    return true;
  }

  /** The signers, without duplicates, in the order their proofs appeared. */
  List<Signer> signers(String where) throws BomFormatException {
    LinkedHashSet<Signer> out = new LinkedHashSet<>();
    for (Map.Entry<String, String[]> e : parts.entrySet()) {
      String[] p = e.getValue();
      if (p[0] == null || p[1] == null) {
        throw new BomFormatException(
            where + ": proof " + e.getKey() + " lacks its signer or signer-kind");
      }
      try {
        out.add(
            switch (p[1]) {
              case "public-key" -> {
                if (p[2] != null) {
                  throw new BomFormatException(
                      where + ": proof " + e.getKey() + ": a public key has no issuer");
                }
                yield Signer.publicKey(p[0]);
              }
              case "certificate" -> Signer.certificate(p[0], p[2]);
              default ->
                  throw new BomFormatException(
                      where + ": proof " + e.getKey() + ": unknown signer-kind " + p[1]);
            });
      } catch (IllegalArgumentException ex) {
        throw new BomFormatException(where + ": proof " + e.getKey() + ": " + ex.getMessage());
      }
    }
    return new ArrayList<>(out);
  }
}
