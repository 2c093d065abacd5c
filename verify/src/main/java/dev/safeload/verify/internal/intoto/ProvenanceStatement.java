package dev.safeload.verify.internal.intoto;

import dev.safeload.ReasonCode;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An in-toto Statement v1 carrying SLSA provenance v1 (GitHub artifact attestations, {@code
 * actions/attest-build-provenance}), read from the verified DSSE payload bytes. Rules, in the order
 * they are checked:
 *
 * <ol>
 *   <li>the payload is strict JSON (duplicate keys rejected) whose {@code _type} is {@code
 *       https://in-toto.io/Statement/v1};
 *   <li>{@code predicateType} is exactly {@code https://slsa.dev/provenance/v1}, else {@link
 *       VerifyReason#ATTESTATION_PREDICATE_UNSUPPORTED};
 *   <li>{@code subject} holds 1 to {@value #MAX_SUBJECTS} entries, each with a string {@code name}
 *       and a non-empty {@code digest} object whose {@code sha256} / {@code sha512} values, when
 *       present, are lowercase hex of the right length (other algorithms are kept out: they cannot
 *       name a file);
 *   <li>the predicate has {@code buildDefinition.buildType}, {@code
 *       buildDefinition.externalParameters} and {@code runDetails.builder.id}; GitHub's {@code
 *       externalParameters.workflow} ({@code repository}, {@code path}, {@code ref}) is read when
 *       present, as strings.
 * </ol>
 *
 * Everything else is {@link VerifyReason#ATTESTATION_STATEMENT_INVALID}. The predicate is what the
 * build claims about itself; the certificate's Fulcio extensions are what the CI provider vouched
 * for, so policy is decided on those (see {@code Attestations}), and the predicate's workflow
 * fields only have to agree with them.
 */
public final class ProvenanceStatement {
  /** The only predicate type accepted. */
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

  /** Most subjects in one statement. */
  public static final int MAX_SUBJECTS = 65_536;

  /** Longest subject name or predicate string we keep. */
  public static final int MAX_STRING = 4096;

  /** One attested artifact: its name (informational) and its digests, raw bytes or null. */
  public record Subject(String name, byte @Nullable [] sha256, byte @Nullable [] sha512) {}

  /** GitHub's {@code externalParameters.workflow}, each field null when absent. */
  public record Workflow(
      @Nullable String repository, @Nullable String path, @Nullable String ref) {}

  public final List<Subject> subjects;
  public final String buildType;
  public final String builderId;
  public final @Nullable Workflow workflow;
  public final @Nullable String invocationId;

  private ProvenanceStatement(
      List<Subject> subjects,
      String buildType,
      String builderId,
      @Nullable Workflow workflow,
      @Nullable String invocationId) {
    this.subjects = subjects;
    this.buildType = buildType;
    this.builderId = builderId;
    this.workflow = workflow;
    this.invocationId = invocationId;
  }

  public static ProvenanceStatement parse(byte[] payload) throws SignatureVerificationException {
    ReasonCode r = VerifyReason.ATTESTATION_STATEMENT_INVALID;
    JsonObject st = Json.parseObject(payload, r, "statement");
    if (!OmsManifest.STATEMENT_V1.equals(st.str("_type"))) {
      throw new SignatureVerificationException(
          r, "statement _type is not " + OmsManifest.STATEMENT_V1);
    }
    String pt = st.str("predicateType");
    if (!SLSA_PROVENANCE_V1.equals(pt)) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_PREDICATE_UNSUPPORTED,
          "predicate type is " + shorten(pt) + ", not " + SLSA_PROVENANCE_V1);
    }
    List<JsonObject> subs = st.objects("subject", MAX_SUBJECTS);
    if (subs.isEmpty()) {
      throw new SignatureVerificationException(r, "statement has no subject");
    }
    List<Subject> subjects = new ArrayList<>(subs.size());
    for (JsonObject s : subs) {
      String name = bounded(s, "name");
      JsonObject d = s.obj("digest");
      if (d.keys().isEmpty()) {
        throw new SignatureVerificationException(r, s + ": empty digest set");
      }
      subjects.add(new Subject(name, hex(d, "sha256", 32), hex(d, "sha512", 64)));
    }
    JsonObject pred = st.obj("predicate");
    JsonObject def = pred.obj("buildDefinition");
    String buildType = bounded(def, "buildType");
    JsonObject ext = def.obj("externalParameters");
    Workflow wf = null;
    JsonObject w = ext.optObj("workflow");
    if (w != null) {
      wf = new Workflow(optBounded(w, "repository"), optBounded(w, "path"), optBounded(w, "ref"));
    }
    JsonObject run = pred.obj("runDetails");
    String builderId = bounded(run.obj("builder"), "id");
    JsonObject meta = run.optObj("metadata");
    String invocation = meta == null ? null : optBounded(meta, "invocationId");
    return new ProvenanceStatement(List.copyOf(subjects), buildType, builderId, wf, invocation);
  }

  private static byte @Nullable [] hex(JsonObject d, String alg, int len)
      throws SignatureVerificationException {
    String v = d.optStr(alg);
    if (v == null) {
      return null;
    }
    if (v.length() != 2 * len
        || !v.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_STATEMENT_INVALID,
          d + ": " + alg + " is not " + 2 * len + " lowercase hex digits");
    }
    return HexFormat.of().parseHex(v);
  }

  private static String bounded(JsonObject o, String key) throws SignatureVerificationException {
    String v = o.str(key);
    if (v.length() > MAX_STRING) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_STATEMENT_INVALID,
          o + ": '" + key + "' is longer than " + MAX_STRING + " characters");
    }
    return v;
  }

  private static @Nullable String optBounded(JsonObject o, String key)
      throws SignatureVerificationException {
    return o.has(key) ? bounded(o, key) : null;
  }

  private static String shorten(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }
}
