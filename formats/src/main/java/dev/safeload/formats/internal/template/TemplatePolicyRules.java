package dev.safeload.formats.internal.template;

import static dev.safeload.formats.internal.template.Allowlists.METHODS;
import static dev.safeload.formats.internal.template.Allowlists.METHOD_NAMES_AS_FIELDS;
import static dev.safeload.formats.internal.template.Allowlists.NEVER_VALUES;
import static dev.safeload.formats.internal.template.Allowlists.isReserved;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;

/** The member-name rules, shared by the policy and the filter rules (attribute paths). */
final class TemplatePolicyRules {
  private TemplatePolicyRules() {}

  /** A member read as a value: {@code .n}, {@code ['n']}, a filter attribute path part. */
  static void readMember(String a) {
    if (a.startsWith("_")) {
      throw reject(FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED, "member " + a + " starts with '_'");
    }
    if (a.equals("format") || a.equals("format_map")) {
      throw reject(FormatReason.TEMPLATE_FORMAT_STRING, "member " + a + " read as a value");
    }
    if (isReserved(a)) {
      throw reject(FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED, "member " + a + " is reserved");
    }
    if (NEVER_VALUES.contains(a)
        || (METHODS.containsKey(a) && !METHOD_NAMES_AS_FIELDS.contains(a))) {
      throw reject(FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED, "method " + a + " read as a value");
    }
  }

  /**
   * A member the template defines ({@code namespace(n=…)}, {@code set ns.n}): also no method names.
   */
  static void defineMember(String a) {
    readMember(a);
    if (METHODS.containsKey(a)) {
      throw reject(
          FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED,
          "namespace member " + a + " is named like a method");
    }
  }

  /** Whether {@code a} passes {@link #readMember}. */
  static boolean isAllowedMember(String a) {
    try {
      readMember(a);
      return true;
    } catch (TemplateRejection e) {
      return false;
    }
  }

  private static TemplateRejection reject(ReasonCode r, String message) {
    return new TemplateRejection(r, message);
  }
}
