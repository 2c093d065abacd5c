/**
 * Model signatures: OpenSSF Model Signing (OMS) verification and signing, trust policies and
 * revocation.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.signing;
