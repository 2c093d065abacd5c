/** GGUF parsing: the streaming header reader and the ggml type table. Not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.gguf;
