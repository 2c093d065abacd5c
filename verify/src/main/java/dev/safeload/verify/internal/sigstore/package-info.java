/**
 * Sigstore bundles, trusted roots, transparency logs and timestamps, verified offline; not
 * exported.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.internal.sigstore;
