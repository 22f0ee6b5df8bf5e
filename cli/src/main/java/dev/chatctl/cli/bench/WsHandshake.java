package dev.chatctl.cli.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the websocket opening handshake (RFC 6455 section 4): the upgrade request with
 * a fresh key, and the check of the server's 101 answer and its Sec-WebSocket-Accept.
 */
final class WsHandshake {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** The longest upgrade answer read before giving up. */
  private static final int MAX_ANSWER = 16_384;

  /** Bytes of the answer that were used, or why the upgrade was refused. */
  record Answer(int used, String refusal) {
    static final Answer INCOMPLETE = new Answer(0, null);
  }

  private final byte[] request;
  private final String expectedAccept;

  WsHandshake(String host, String path) {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    this.expectedAccept = accept(key);
    this.request =
        ("GET "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: "
                + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
  }

  byte[] request() {
    return request;
  }

  /** Reads the answer from {@code data[0..length)}: incomplete, refused, or the bytes it took. */
  Answer read(byte[] data, int length) {
    int end = -1;
    for (int i = 3; i < length; i++) {
      if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') {
        end = i + 1;
        break;
      }
    }
    if (end < 0) {
      return length > MAX_ANSWER ? new Answer(-1, "upgrade answer too long") : Answer.INCOMPLETE;
    }
    String head = new String(data, 0, end, StandardCharsets.ISO_8859_1);
    String status = head.substring(0, head.indexOf('\r'));
    if (!status.startsWith("HTTP/1.1 101")) {
      return new Answer(-1, "upgrade refused: " + status);
    }
    boolean accepted = false;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
        accepted = line.substring(colon + 1).trim().equals(expectedAccept);
      }
    }
    return accepted
        ? new Answer(end, null)
        : new Answer(-1, "upgrade answer without the right Sec-WebSocket-Accept");
  }

  static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder()
          .encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
