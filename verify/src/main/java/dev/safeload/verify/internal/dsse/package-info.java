/** DSSE envelopes: pre-authentication encoding and signature checks; not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.internal.dsse;
