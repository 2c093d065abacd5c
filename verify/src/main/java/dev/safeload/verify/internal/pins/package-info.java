/**
 * Implementation of pin files: the JSON and {@code sha256sum} readers, the writer, name rules. Not
 * exported.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.internal.pins;
