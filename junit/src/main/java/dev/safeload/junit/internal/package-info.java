/** Implementation of the test kit; not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.junit.internal;
