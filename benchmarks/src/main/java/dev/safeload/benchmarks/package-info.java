/** JMH benchmarks for safeload's hot paths; never a dependency of anything. */
@org.jspecify.annotations.NullMarked
package dev.safeload.benchmarks;
