/**
 * Settings of the strict zip reader shared by zip-based formats, and the handler that rejects zip
 * archives no other handler understands.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.zip;
