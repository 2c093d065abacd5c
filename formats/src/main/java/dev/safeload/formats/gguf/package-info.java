/**
 * The GGUF format handler ({@link dev.safeload.formats.gguf.GgufHandler}) and the settings it
 * reads.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.gguf;
