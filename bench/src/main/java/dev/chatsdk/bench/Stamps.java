package dev.chatsdk.bench;

/** Reads the numbers the generator stamps into frames without parsing JSON. */
final class Stamps {
  private Stamps() {}

  /**
   * The JSON fields of a send, shared by the WebSocket peers: the ack id goes into the {@code
   * clientMsgId} so that an ack can be matched without state.
   */
  static String sendFields(String conversationId, String clientMsgId, long ackId, String body) {
    return "\"conversationId\":\""
        + conversationId
        + "\",\"clientMsgId\":\"k"
        + ackId
        + "-"
        + clientMsgId
        + "\",\"body\":\""
        + body
        + "\"";
  }

  /** Whether {@code text} starts with {@code prefix}. */
  static boolean startsWith(CharSequence text, String prefix) {
    return text.length() >= prefix.length() && regionMatches(text, 0, prefix);
  }

  private static boolean regionMatches(CharSequence text, int at, String s) {
    for (int j = 0; j < s.length(); j++) {
      if (text.charAt(at + j) != s.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** The digits after the first occurrence of {@code marker} in {@code text}, or -1. */
  static long after(CharSequence text, String marker) {
    int i = 0;
    while (i + marker.length() <= text.length() && !regionMatches(text, i, marker)) {
      i++;
    }
    if (i + marker.length() > text.length()) {
      return -1;
    }
    i += marker.length();
    long v = 0;
    boolean any = false;
    while (i < text.length()) {
      char ch = text.charAt(i);
      if (ch < '0' || ch > '9') {
        break;
      }
      v = v * 10 + (ch - '0');
      any = true;
      i++;
    }
    return any ? v : -1;
  }
}
