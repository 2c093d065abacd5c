package dev.safeload.formats.internal.template;

/**
 * Entry point: judges one chat template. Check order: lexing and parsing exactly as Jinja does
 * ({@code TEMPLATE_SYNTAX}, {@code TEMPLATE_TOO_COMPLEX}), then the allowlist policy over the
 * syntax tree ({@link TemplatePolicy}).
 */
public final class ChatTemplates {
  private ChatTemplates() {}

  /**
   * Accepts {@code template} or throws the first rejection.
   *
   * @throws TemplateRejection with the reason code and an explanation
   */
  public static void check(String template) {
    analyze(template);
  }

  /** Work spent on one template: lexer tokens, tree nodes and policy analysis steps. */
  record Work(int tokens, int nodes, long policySteps) {}

  static Work analyze(String template) {
    TemplateLimits limits = TemplateLimits.DEFAULT;
    Parser.Parsed p = Parser.parse(template, limits);
    long steps = TemplatePolicy.check(p.body(), p.nodes(), limits);
    return new Work(p.tokens(), p.nodes(), steps);
  }
}
