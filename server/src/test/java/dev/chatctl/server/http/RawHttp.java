package dev.chatctl.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A raw TCP client speaking just enough HTTP/1.1 (and WebSocket) by hand to test connection
 * handling.
 */
final class RawHttp implements AutoCloseable {
  final Socket socket = new Socket();
  final OutputStream out;
  final InputStream in;

  RawHttp(int port) throws IOException {
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A keep-alive GET; returns "STATUS BODY". */
  String get(String path) throws IOException {
    send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    return response();
  }

  /** A keep-alive POST of a text body; returns "STATUS BODY". */
  String post(String path, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    send(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "
            + bytes.length
            + "\r\n\r\n");
    out.write(bytes);
    out.flush();
    return response();
  }

  /** Reads one response with a Content-Length body: "STATUS BODY", or null at end of stream. */
  String response() throws IOException {
    String head = head();
    if (head == null) {
      return null;
    }
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return head.substring(9, 12) + " " + new String(body, StandardCharsets.UTF_8);
  }

  /** The status line and headers, or null when the server closed (or reset) before any. */
  String head() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4
            && h[n - 4] == '\r'
            && h[n - 3] == '\n'
            && h[n - 2] == '\r'
            && h[n - 1] == '\n') {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
    } catch (SocketException e) {
      return null; // reset
    }
  }

  /**
   * True when the server closes (or resets) the connection within {@code millis}, reading what it
   * sends.
   */
  boolean closedWithin(long millis) throws IOException {
    long deadline = System.currentTimeMillis() + millis;
    try {
      while (System.currentTimeMillis() < deadline) {
        socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
        if (in.read() < 0) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  /** Upgrades to a WebSocket at {@code path}; returns the status line and headers. */
  String upgrade(String path) throws IOException {
    send(
        "GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    return head();
  }

  /** One masked client frame (FIN set). */
  void frame(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | opcode);
    int len = payload.length;
    if (len < 126) {
      f.write(0x80 | len);
    } else if (len <= 0xFFFF) {
      f.write(0x80 | 126);
      f.write(len >>> 8);
      f.write(len);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) len >>> (8 * i)));
      }
    }
    byte[] mask = {0x12, 0x34, 0x56, 0x78};
    f.write(mask);
    for (int i = 0; i < len; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  void text(String text) throws IOException {
    frame(1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The payload of the next (unmasked, unfragmented) server frame, as text. */
  String frameText() throws IOException {
    int b0 = in.read();
    int b1 = in.read();
    if (b0 < 0 || b1 < 0) {
      throw new IOException("closed");
    }
    long len = b1 & 0x7F;
    if (len == 126) {
      len = (in.read() << 8) | in.read();
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | in.read();
      }
    }
    return new String(in.readNBytes((int) len), StandardCharsets.UTF_8);
  }

  /** Text frames until one starts with {@code prefix} (Engine.IO pings are answered). */
  String frameStartingWith(String prefix) throws IOException {
    while (true) {
      String text = frameText();
      if (text.equals("2")) {
        text("3");
      } else if (text.startsWith(prefix)) {
        return text;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
