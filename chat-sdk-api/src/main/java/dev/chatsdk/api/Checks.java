package dev.chatsdk.api;

/** Argument checks shared by the records' canonical constructors. */
final class Checks {
  private Checks() {}

  static String id(String value, String name) {
    if (value == null) {
      throw new NullPointerException(name);
    }
    if (value.isEmpty() || value.length() > 128) {
      throw ChatException.invalid(name + ": length " + value.length() + " (expected: 1..128)");
    }
    return value;
  }

  static long nonNegative(long value, String name) {
    if (value < 0) {
      throw ChatException.invalid(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }
}
