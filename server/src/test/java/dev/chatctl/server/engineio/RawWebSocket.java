package dev.chatctl.server.engineio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written by hand over a TCP socket: the HTTP upgrade, masked frames out, and
 * frames in, byte by byte, so tests see exactly what the server sends.
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int TEXT = 1;
  public static final int BINARY = 2;
  public static final int CLOSE = 8;
  public static final int PING = 9;
  public static final int PONG = 10;

  final Socket socket = new Socket();
  final OutputStream out;
  final DataInputStream in;

  /** Connects and sends an upgrade request with these extra header lines (each ending CRLF). */
  private RawWebSocket(int port, String query, String headers) throws IOException {
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(5000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write(
        ("GET /socket.io/?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
  }

  /** An upgraded WebSocket on {@code /socket.io/?query}. */
  public static RawWebSocket open(int port, String query) throws IOException {
    RawWebSocket ws = new RawWebSocket(port, query, upgradeHeaders("13", true));
    String status = ws.readHttpHead();
    assertTrue(status.startsWith("HTTP/1.1 101"), status);
    return ws;
  }

  /**
   * An upgrade request as given, for tests of refusals: read the answer with {@link #readHttpHead}.
   */
  public static RawWebSocket request(int port, String query, String headers) throws IOException {
    return new RawWebSocket(port, query, headers);
  }

  /** The upgrade headers, with this version, and with a key or none. */
  public static String upgradeHeaders(String version, boolean key) {
    return "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + (key
            ? "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
            : "")
        + (version != null ? "Sec-WebSocket-Version: " + version + "\r\n" : "");
  }

  /** Sends one masked frame. */
  public void frame(boolean fin, int opcode, byte[] payload) throws IOException {
    out.write(frameBytes(fin, opcode, payload));
    out.flush();
  }

  /** The bytes of one masked client frame. */
  public static byte[] frameBytes(boolean fin, int opcode, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write((fin ? 0x80 : 0) | opcode);
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
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.write(mask, 0, 4);
    for (int i = 0; i < len; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    return f.toByteArray();
  }

  public void text(String s) throws IOException {
    frame(true, TEXT, s.getBytes(StandardCharsets.UTF_8));
  }

  /** The next frame: {opcode, payload}. */
  public Object[] next() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    assertEquals(0, b1 & 0x80, "server frames are not masked");
    long len = b1 & 0x7F;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new Object[] {b0 & 0x0F, payload};
  }

  /** The next text frame that is not an Engine.IO ping. */
  public String nextText() throws IOException {
    Object[] f = next();
    while ((int) f[0] == TEXT && new String((byte[]) f[1], StandardCharsets.UTF_8).equals("2")) {
      f = next();
    }
    assertEquals(TEXT, (int) f[0], "a text frame");
    return new String((byte[]) f[1], StandardCharsets.UTF_8);
  }

  /**
   * Reads until the server closes; returns the close code it sent (1005 for none, -1 if no frame).
   */
  public int closeCode() throws IOException {
    try {
      while (true) {
        Object[] f = next();
        if ((int) f[0] == CLOSE) {
          byte[] p = (byte[]) f[1];
          return p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : 1005;
        }
      }
    } catch (EOFException | SocketException e) {
      return -1;
    }
  }

  /** The status line and headers of an HTTP answer. */
  public String readHttpHead() throws IOException {
    return readHttpHead(in);
  }

  private static String readHttpHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
