package dev.safeload.formats.gguf;

import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SHA-256 digests (lower-case hex) of chat templates a policy trusts, for {@link
 * Gguf#ALLOWED_CHAT_TEMPLATES}: the SHA-256 of a template's UTF-8 text, wherever it lives (GGUF
 * metadata, {@code tokenizer_config.json}, {@code chat_template.jinja}, {@code
 * chat_template.json}). A chat template is code (a Jinja program the inference stack renders);
 * pinning its hash to the upstream template is how an application allows it.
 *
 * <p>With no pins, every template must pass the chat-template policy (an allowlist over its syntax
 * tree). With pins, every template must be pinned; a pinned template is trusted as is.
 */
public final class ChatTemplatePins {
  private static final ChatTemplatePins NONE = new ChatTemplatePins(Set.of());

  private final Set<String> digests;

  private ChatTemplatePins(Set<String> digests) {
    this.digests = digests;
  }

  /** No pins: templates are allowed only if they pass the built-in rules. */
  public static ChatTemplatePins none() {
    return NONE;
  }

  /**
   * Pins these SHA-256 digests (64 hex digits each, any case).
   *
   * @throws IllegalArgumentException if a digest is not 64 hex digits
   */
  public static ChatTemplatePins of(String... sha256Hex) {
    Set<String> s = new TreeSet<>();
    for (String d : sha256Hex) {
      String h = d.toLowerCase(Locale.ROOT);
      if (!h.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("not a SHA-256 hex digest: " + d);
      }
      s.add(h);
    }
    return new ChatTemplatePins(Collections.unmodifiableSet(s));
  }

  /** The pinned digests, lower-case hex, sorted. */
  public Set<String> digests() {
    return digests;
  }

  /** Whether any template is pinned (then every template must be). */
  public boolean isEmpty() {
    return digests.isEmpty();
  }

  /** Whether this lower-case hex digest is pinned. */
  public boolean contains(String sha256Hex) {
    return digests.contains(sha256Hex);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChatTemplatePins p && p.digests.equals(digests);
  }

  @Override
  public int hashCode() {
    return digests.hashCode();
  }

  @Override
  public String toString() {
    return "ChatTemplatePins" + digests;
  }
}
