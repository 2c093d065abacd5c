package dev.safeload.integration.arch.bad.internal;

/** Fixture for ArchitectureTest: an internal interface. */
public interface HiddenInterface {}
