package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Extracts the uploaded file from a {@code multipart/form-data} body that was already read into
 * memory (under a size cap). Only what an avatar upload needs: the first part that carries a file
 * name, or failing that the first part named {@code avatar} or {@code file}. Stateless.
 */
public final class Multipart {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  private Multipart() {}

  /** The boundary parameter of a {@code multipart/form-data} content type, if it is one. */
  public static Optional<String> boundary(String contentType) {
    String lower = contentType.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("multipart/form-data")) {
      return Optional.empty();
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length()).trim();
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        if (!b.isEmpty() && b.length() <= 70) {
          return Optional.of(b);
        }
      }
    }
    throw new ChatException(
        ErrorCode.MALFORMED, "Content-Type: multipart/form-data without a valid boundary");
  }

  /**
   * The content of the file part.
   *
   * @throws ChatException {@code MALFORMED} when the body is not well-formed multipart or has no
   *     file part
   */
  public static byte[] filePart(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    int pos = indexOf(body, delimiter, 0);
    if (pos < 0) {
      throw malformed("no boundary found");
    }
    byte @Nullable [] fallback = null;
    while (true) {
      int afterDelimiter = pos + delimiter.length;
      if (startsAt(body, afterDelimiter, new byte[] {'-', '-'})) {
        break; // closing delimiter
      }
      if (!startsAt(body, afterDelimiter, CRLF)) {
        throw malformed("boundary not followed by CRLF");
      }
      int headersStart = afterDelimiter + 2;
      int headersEnd = indexOf(body, HEADER_END, headersStart);
      if (headersEnd < 0) {
        throw malformed("part headers not terminated");
      }
      String headers =
          new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      int contentStart = headersEnd + HEADER_END.length;
      byte[] next = concat(CRLF, delimiter);
      int contentEnd = indexOf(body, next, contentStart);
      if (contentEnd < 0) {
        throw malformed("part not terminated by a boundary");
      }
      String disposition = header(headers, "content-disposition");
      if (disposition != null) {
        String lower = disposition.toLowerCase(Locale.ROOT);
        byte[] content = Arrays.copyOfRange(body, contentStart, contentEnd);
        if (lower.contains("filename=") || lower.contains("filename*=")) {
          return content;
        }
        if (fallback == null
            && (lower.contains("name=\"avatar\"") || lower.contains("name=\"file\""))) {
          fallback = content;
        }
      }
      pos = contentEnd + CRLF.length;
    }
    if (fallback != null) {
      return fallback;
    }
    throw malformed("no file part (expected: a part with a filename, or named 'avatar')");
  }

  private static @Nullable String header(String headers, String name) {
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static ChatException malformed(String what) {
    return new ChatException(ErrorCode.MALFORMED, "multipart body: " + what);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static boolean startsAt(byte[] data, int offset, byte[] prefix) {
    if (offset < 0 || offset + prefix.length > data.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
