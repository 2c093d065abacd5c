/** Built-in format handlers for safeload, found through {@link java.util.ServiceLoader}. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats;
