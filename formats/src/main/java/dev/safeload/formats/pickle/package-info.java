/**
 * Raw pickle and joblib files, and the public side of the pickle machine: {@link
 * dev.safeload.formats.pickle.PickleProfile allowlist profiles}, their {@link
 * dev.safeload.formats.pickle.GlobalRule rules} and the {@link dev.safeload.formats.pickle.Pickle
 * settings}.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.formats.pickle;
