package dev.safeload.spi;

import dev.safeload.Setting;
import java.util.Collection;

/**
 * The {@link Setting}s a module's handlers read, so that a policy file ({@link
 * dev.safeload.PolicyFile}) naming any other setting is refused instead of silently keeping the
 * default (a misspelt limit would otherwise look applied). Found with {@link
 * java.util.ServiceLoader}, like handlers: a module whose handlers read settings of their own
 * provides one. The loader's own settings ({@code loader.*}) need no catalog.
 */
public interface SettingCatalog {
  /** The settings, each with its name, type and default. */
  Collection<Setting<?>> settings();
}
