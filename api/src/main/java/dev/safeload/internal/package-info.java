/** Implementation; not exported, subject to change without notice. */
@org.jspecify.annotations.NullMarked
package dev.safeload.internal;
