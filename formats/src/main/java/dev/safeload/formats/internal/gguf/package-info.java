/** GGUF parsing: the streaming header reader, the ggml type table and the chat-template check. Not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.gguf;
