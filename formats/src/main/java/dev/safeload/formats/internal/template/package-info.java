/**
 * Jinja chat templates: a bounded lexer and parser that read a template exactly as Jinja does, and
 * the allowlist policy that judges the resulting syntax tree. Not exported.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.template;
