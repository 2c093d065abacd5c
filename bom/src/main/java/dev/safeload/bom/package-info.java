/**
 * AI bills of materials: {@link dev.safeload.bom.AiBom} writes one from safeload's results as
 * CycloneDX 1.6 or SPDX 3.0.1 (AI profile; see {@link dev.safeload.bom.AiBom#writeSpdxTo}); {@link
 * dev.safeload.bom.CycloneDxBom} and {@link dev.safeload.bom.SpdxBom} read them back and find
 * components by SHA-256.
 *
 * <h2>The {@code safeload:} property namespace</h2>
 *
 * Facts safeload established itself and claims a file made about itself are kept apart. On a model
 * component ({@code machine-learning-model}):
 *
 * <ul>
 *   <li>{@code safeload:verdict}: {@code accepted} or {@code rejected} (the model as a whole);
 *   <li>{@code safeload:finding}: one per finding about the model as a whole, {@code CODE[@offset]:
 *       message};
 *   <li>{@code safeload:provenance}: one per proof the verifiers made, a one-line statement for
 *       people ({@code signature by alice@example.com (https://issuer) via oms-signature from
 *       model.sig, 3 files}); the parts are in each file's {@code safeload:proof:} properties;
 *   <li>{@code safeload:source}: the path the model was loaded or scanned from (where it was
 *       loaded, for incident response).
 * </ul>
 *
 * On each file component ({@code file}, nested in its model):
 *
 * <ul>
 *   <li>{@code safeload:format}: the content-detected format (handler id), absent if none was
 *       detected;
 *   <li>{@code safeload:size}: bytes read, absent (as are the hashes) if the file could not be
 *       read;
 *   <li>{@code safeload:verdict}: {@code accepted} or {@code rejected};
 *   <li>{@code safeload:finding}: one per finding, {@code CODE[@offset]: message}, {@code CODE} a
 *       stable {@link dev.safeload.ReasonCode};
 *   <li>{@code safeload:signer}: one per identity that signed the file (a signature's or
 *       attestation's {@link dev.safeload.provenance.Signer#identity()});
 *   <li>{@code safeload:claim:KEY}: the metadata the format handler read from the file (its {@link
 *       dev.safeload.spi.ModelDescription#metadata()}: safetensors {@code __metadata__}, GGUF keys,
 *       ONNX producer and {@code metadata_props}, with a few notes of the handler's own), copied
 *       verbatim; what a file says about itself is <em>not verified</em>, so all of it is a claim;
 *       {@code safeload:claims-omitted} counts entries left out for size (512 per file, 1024
 *       characters per key or value);
 *   <li>{@code safeload:proof:ID:technique}: {@code pin}, {@code signature} or {@code attestation},
 *       one per proof that covers the file, {@code ID} the verifier's id (with {@code #2}, ... if
 *       one verifier proved the file twice); with the same prefix {@code signer} (a key's {@code
 *       sha256:} fingerprint or a certificate's subject alternative name), {@code signer-kind}
 *       ({@code public-key} or {@code certificate}), {@code signer-issuer} (a Sigstore
 *       certificate's OpenID Connect issuer), and each of the proof's attributes: {@code source}
 *       (the pin file or signature it was read from), for an attestation {@code source-repository},
 *       {@code source-commit}, {@code source-ref}, {@code signer-workflow}. These are facts: each
 *       was verified (a signed statement, a certificate), unlike {@code safeload:claim:}.
 * </ul>
 *
 * A licence a file declares is a component {@code licenses} entry: {@code license.name} the
 * declared text, {@code acknowledgement} {@code declared}, and a {@code safeload:declared-in}
 * property naming the file and field it was read from. Hashes are facts: the SHA-256 of the bytes
 * safeload read. A proof of provenance (a pin match, a verified signature, a verified build
 * attestation) appears as the file's {@code evidence.identity}, one method per proof with technique
 * {@code hash-comparison} (a pin) or {@code attestation} (a signature or an attestation) and the
 * proof's statement as its value. Model-card fields and {@code pedigree.ancestors} taken from file
 * metadata are claims, and the model card says so in its {@code safeload:claimed-by} property.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.bom;
