package dev.safeload.spark;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts one method from the forbidden-apis check (the plugin honours any annotation of this
 * simple name). Used only where the {@code spark-submit} entry point must print and set its exit
 * status; the library code of the module stays under every rule.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
@interface SuppressForbidden {
  /** Why the exemption is needed. */
  String value();
}
