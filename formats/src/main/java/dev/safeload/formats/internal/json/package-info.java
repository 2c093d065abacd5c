/**
 * A strict, zero-copy JSON pull reader over a {@link java.nio.ByteBuffer} region, shared by the
 * handlers that read JSON (safetensors headers, shard indexes, JSON side files). Not exported.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.json;
