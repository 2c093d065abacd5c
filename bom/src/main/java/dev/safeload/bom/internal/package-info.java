/**
 * The CycloneDX JSON writer and the bounded reader behind {@code dev.safeload.bom}; not exported.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.bom.internal;
