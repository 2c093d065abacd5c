/**
 * The pickle machine: an iterative, allocation-bounded model of CPython's unpickler over all 68
 * opcodes, with a typed stack and memo, deciding by {@link
 * dev.safeload.formats.pickle.PickleProfile}. It never imports or calls anything; allowed callables
 * are replaced by typed results after their arguments pass the rule.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.internal.pickle;
