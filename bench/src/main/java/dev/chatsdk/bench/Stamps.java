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

  /** The digits after the first occurrence of {@code marker} in {@code text}, or -1. */
  static long after(String text, String marker) {
    int i = text.indexOf(marker);
    if (i < 0) {
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
