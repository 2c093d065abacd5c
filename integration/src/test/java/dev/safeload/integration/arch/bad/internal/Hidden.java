package dev.safeload.integration.arch.bad.internal;

/** Fixture for ArchitectureTest: stands for any type of an internal package. */
public class Hidden {}
