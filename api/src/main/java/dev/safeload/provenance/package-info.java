/** Service-provider interface for proofs of provenance (digest pins, signatures) over the digests computed while loading. */
@org.jspecify.annotations.NullMarked
package dev.safeload.provenance;
