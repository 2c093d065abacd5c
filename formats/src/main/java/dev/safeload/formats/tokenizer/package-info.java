/**
 * Handlers for the tokenizer files of model repositories: WordPiece {@code vocab.txt}, BPE {@code
 * merges.txt}, tiktoken rank files and SentencePiece {@code tokenizer.model}, with the {@link
 * dev.safeload.formats.tokenizer.Tokenizers} settings they read.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.tokenizer;
