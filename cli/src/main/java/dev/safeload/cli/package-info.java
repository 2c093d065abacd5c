/** The {@code safeload} command line: scan, verify, pin and demo. */
@org.jspecify.annotations.NullMarked
package dev.safeload.cli;
