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

/** A raw TCP client speaking just enough HTTP/1.1 (and WebSocket) by hand to test connection handling. */
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
        if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
    } catch (SocketException e) {
      return null; // reset
    }
  }

  /** True when the server closes (or resets) the connection within {@code millis}, reading what it sends. */
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

  /** The next unmasked server frame's text (small frames only). */
  String frameText() throws IOException {
    int b0 = in.read();
    int len = in.read() & 0x7F;
    if (b0 < 0 || len >= 126) {
      throw new IOException("not a small frame");
    }
    return new String(in.readNBytes(len), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
