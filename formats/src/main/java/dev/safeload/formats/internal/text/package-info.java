/** Text checks shared by every format handler (strict UTF-8). Not exported. */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.text;
