package dev.safeload;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A named, typed policy value with a secure default: a resource limit, an allowlist, a profile.
 *
 * <p>Format handlers declare the settings they read as constants; applications override them on
 * {@link LoadPolicy.Builder#set}. A handler that is not told otherwise uses the default, so new
 * settings never weaken an existing policy.
 *
 * @param <T> the value type
 */
public final class Setting<T> {
  private final String name;
  private final Class<T> type;
  private final T defaultValue;
  private final @Nullable Function<String, T> byName;

  private Setting(
      String name, Class<T> type, T defaultValue, @Nullable Function<String, T> byName) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
    this.byName = byName;
  }

  /** Declares a setting. Names are dotted and start with the owning handler's id. */
  public static <T> Setting<T> of(String name, Class<T> type, T defaultValue) {
    return new Setting<>(name, type, defaultValue, null);
  }

  /**
   * Declares a setting whose values also have names (profiles), so that a policy file ({@link
   * PolicyFile}) can choose one: {@code byName} returns the value for a name, or throws {@link
   * IllegalArgumentException} for a name it does not know.
   */
  public static <T> Setting<T> of(
      String name, Class<T> type, T defaultValue, Function<String, T> byName) {
    return new Setting<>(name, type, defaultValue, Objects.requireNonNull(byName, "byName"));
  }

  /** Declares a numeric limit; limits must be positive. */
  public static Setting<Long> limit(String name, long defaultValue) {
    if (defaultValue <= 0) {
      throw new IllegalArgumentException("a limit must be positive: " + name);
    }
    return new Setting<>(name, Long.class, defaultValue, null);
  }

  /**
   * The value a policy file gave by this setting's name: a number for a limit, a name for a setting
   * declared with names. Anything else is refused, so a handler never runs on a value it cannot
   * read.
   *
   * @throws IllegalArgumentException if the value does not fit this setting
   */
  T fromPolicyValue(Object value) {
    if (type.isInstance(value)) {
      return type.cast(value);
    }
    if (value instanceof String s && byName != null) {
      return Objects.requireNonNull(byName.apply(s), name);
    }
    throw new IllegalArgumentException("policy file: " + name + " cannot be set to " + value);
  }

  public String name() {
    return name;
  }

  public Class<T> type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  @Override
  public String toString() {
    return name + "=" + defaultValue;
  }
}
