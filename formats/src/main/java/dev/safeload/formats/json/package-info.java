/**
 * The handler for JSON side files of a model ({@code config.json}, {@code tokenizer.json}, ...).
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.json;
