/**
 * Service-provider interface for format handlers: how a library author teaches safeload a new
 * format.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.spi;
