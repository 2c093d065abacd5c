/** Parsers for tokenizer files (vocab, merges, tiktoken, SentencePiece). Not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.tokenizer;
