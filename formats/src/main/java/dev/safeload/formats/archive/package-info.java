/**
 * Containers safeload recognises only to reject them with a precise reason: compressed files, 7z
 * and tar archives, and zip archives no other handler understands.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.archive;
