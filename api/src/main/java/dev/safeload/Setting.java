package dev.safeload;

import java.util.Objects;

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

  private Setting(String name, Class<T> type, T defaultValue) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
  }

  /** Declares a setting. Names are dotted and start with the owning handler's id. */
  public static <T> Setting<T> of(String name, Class<T> type, T defaultValue) {
    return new Setting<>(name, type, defaultValue);
  }

  /** Declares a numeric limit; limits must be positive. */
  public static Setting<Long> limit(String name, long defaultValue) {
    if (defaultValue <= 0) {
      throw new IllegalArgumentException("a limit must be positive: " + name);
    }
    return new Setting<>(name, Long.class, defaultValue);
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
