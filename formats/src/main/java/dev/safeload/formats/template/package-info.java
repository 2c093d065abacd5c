/**
 * Chat template files: {@code chat_template.jinja}, {@code *.jinja}, legacy {@code
 * chat_template.json}.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.template;
