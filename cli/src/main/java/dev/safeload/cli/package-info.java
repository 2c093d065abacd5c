/** The {@code safeload} command line: scan, verify, pin, sign, bom and demo. */
@org.jspecify.annotations.NullMarked
package dev.safeload.cli;
