/**
 * Constrained JSON reading (strict, duplicate-free, size-limited) and canonical writing; not
 * exported.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.internal.json;
