/** Keys, certificates, chains and signer identities; not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.internal.x509;
