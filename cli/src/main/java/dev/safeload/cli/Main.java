package dev.safeload.cli;

/** The {@code safeload} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("safeload: not yet built");
    System.exit(2);
  }
}
