/**
 * The front door: load a model only after its bytes passed format validation and provenance checks.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload;
