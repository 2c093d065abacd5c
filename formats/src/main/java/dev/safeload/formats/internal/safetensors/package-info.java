/**
 * The safetensors header parser and its compact tensor index, and the shard index parser. Not
 * exported; the public handlers live in {@code dev.safeload.formats.safetensors}.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.safetensors;
