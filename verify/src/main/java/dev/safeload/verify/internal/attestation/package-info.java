/** Verification of build-provenance attestation bundles and their policy (internal). */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.internal.attestation;
