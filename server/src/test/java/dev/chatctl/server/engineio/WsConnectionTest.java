package dev.chatctl.server.engineio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.server.conformance.ConformanceServer;
import dev.chatctl.server.socketio.SocketIoServer;
import io.undertow.Undertow;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket framing (RFC 6455) of {@link WsConnection}, checked byte by byte with a raw TCP
 * client against the conformance application: masking, lengths, fragmentation, control frames in
 * between, ping, close, and the errors that close the connection.
 */
class WsConnectionTest {
  private static Undertow server;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server = ConformanceServer.start(port, EngineOptions.defaults(), SocketIoServer.DEFAULT_CONNECT_TIMEOUT);
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  /** A raw WebSocket client: handshake, masked frames out, frames in. */
  private static final class Raw implements AutoCloseable {
    final Socket socket = new Socket();
    final OutputStream out;
    final DataInputStream in;

    Raw() throws IOException {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(5000);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
      String key = Base64.getEncoder().encodeToString(new byte[16]);
      out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = readHttpHead(in);
      assertTrue(status.startsWith("HTTP/1.1 101"), status);
    }

    void frame(boolean fin, int opcode, byte[] payload) throws IOException {
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
      f.write(mask);
      for (int i = 0; i < len; i++) {
        f.write(payload[i] ^ mask[i & 3]);
      }
      out.write(f.toByteArray());
      out.flush();
    }

    void text(String s) throws IOException {
      frame(true, 1, s.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame: {opcode, payload}. */
    Object[] next() throws IOException {
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

    String nextText() throws IOException {
      Object[] f = next();
      while ((int) f[0] == 1 && new String((byte[]) f[1], StandardCharsets.UTF_8).equals("2")) {
        f = next(); // an Engine.IO ping
      }
      assertEquals(1, (int) f[0], "a text frame");
      return new String((byte[]) f[1], StandardCharsets.UTF_8);
    }

    /** Reads until the server closes; returns the close code it sent (or -1 if none). */
    int closeCode() throws IOException {
      try {
        while (true) {
          Object[] f = next();
          if ((int) f[0] == 8) {
            byte[] p = (byte[]) f[1];
            return p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : 1005;
          }
        }
      } catch (java.io.EOFException | java.net.SocketException e) {
        return -1;
      }
    }

    /** Opens Engine.IO and joins "/" (the conformance app then emits "auth"). */
    Raw joined() throws IOException {
      assertTrue(nextText().startsWith("0{"));
      text("40");
      assertTrue(nextText().startsWith("40{"));
      assertEquals("42[\"auth\",{}]", nextText());
      return this;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }

    private static String readHttpHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      return head.toString();
    }
  }

  @Test
  void maskedTextFramesOfEveryLengthEncodingArriveWhole() throws IOException {
    try (Raw ws = new Raw().joined()) {
      for (int size : new int[] {1, 125, 126, 65535, 65536, 200_000}) {
        String big = "x".repeat(size);
        ws.text("42[\"message\",\"" + big + "\"]");
        assertEquals("42[\"message-back\",\"" + big + "\"]", ws.nextText(), "size " + size);
      }
    }
  }

  @Test
  void fragmentedMessagesWithAPingInBetweenAreReassembled() throws IOException {
    try (Raw ws = new Raw().joined()) {
      byte[] whole = "42[\"message\",\"héllo wörld\"]".getBytes(StandardCharsets.UTF_8);
      int cut = 17; // inside a multi-byte character: it is decoded only once whole
      ws.frame(false, 1, java.util.Arrays.copyOfRange(whole, 0, cut));
      ws.frame(true, 9, "ping!".getBytes(StandardCharsets.UTF_8));
      Object[] pong = ws.next();
      assertEquals(10, (int) pong[0]);
      assertArrayEquals("ping!".getBytes(StandardCharsets.UTF_8), (byte[]) pong[1]);
      ws.frame(false, 0, java.util.Arrays.copyOfRange(whole, cut, cut + 3));
      ws.frame(true, 0, java.util.Arrays.copyOfRange(whole, cut + 3, whole.length));
      assertEquals("42[\"message-back\",\"héllo wörld\"]", ws.nextText());
    }
  }

  @Test
  void framesSplitAcrossTcpWritesAndManyFramesInOneWrite() throws IOException {
    try (Raw ws = new Raw().joined()) {
      // three frames in one write, the last one cut in the middle of its header
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 3; i++) {
        byte[] payload = ("42[\"message\"," + i + "]").getBytes(StandardCharsets.UTF_8);
        batch.write(0x81);
        batch.write(0x80 | payload.length);
        batch.write(new byte[4]); // zero mask
        batch.write(payload);
      }
      byte[] all = batch.toByteArray();
      ws.out.write(all, 0, all.length - 5);
      ws.out.flush();
      assertEquals("42[\"message-back\",0]", ws.nextText());
      assertEquals("42[\"message-back\",1]", ws.nextText());
      ws.out.write(all, all.length - 5, 5);
      ws.out.flush();
      assertEquals("42[\"message-back\",2]", ws.nextText());
    }
  }

  @Test
  void aCloseFrameIsAnsweredWithTheSameCode() throws IOException {
    try (Raw ws = new Raw().joined()) {
      ws.frame(true, 8, new byte[] {0x03, (byte) 0xE8}); // 1000
      assertEquals(1000, ws.closeCode());
    }
  }

  @Test
  void anUnmaskedFrameIsAProtocolError() throws IOException {
    try (Raw ws = new Raw().joined()) {
      byte[] payload = "42[\"message\",1]".getBytes(StandardCharsets.UTF_8);
      ws.out.write(new byte[] {(byte) 0x81, (byte) payload.length});
      ws.out.write(payload);
      ws.out.flush();
      assertEquals(1002, ws.closeCode());
    }
  }

  @Test
  void invalidUtf8IsInvalidData() throws IOException {
    try (Raw ws = new Raw().joined()) {
      ws.frame(true, 1, new byte[] {'4', '2', (byte) 0xC3, (byte) 0x28});
      assertEquals(1007, ws.closeCode());
    }
  }

  @Test
  void aMessageOverMaxPayloadIsTooBig() throws IOException {
    try (Raw ws = new Raw().joined()) {
      ws.frame(false, 1, new byte[600_000]);
      ws.frame(true, 0, new byte[600_000]); // 1.2 MB in all: over the 1,000,000 bytes allowed
      assertEquals(1009, ws.closeCode());
    }
  }

  @Test
  void aContinuationOfNothingAndAFragmentedPingAreProtocolErrors() throws IOException {
    try (Raw ws = new Raw().joined()) {
      ws.frame(true, 0, "x".getBytes(StandardCharsets.UTF_8));
      assertEquals(1002, ws.closeCode());
    }
    try (Raw ws = new Raw().joined()) {
      ws.frame(false, 9, new byte[0]);
      assertEquals(1002, ws.closeCode());
    }
  }

  @Test
  void binaryFramesCarryAttachments() throws IOException {
    try (Raw ws = new Raw().joined()) {
      ws.text("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
      ws.frame(true, 2, new byte[] {'4', 1, 2, 3}); // an Engine.IO binary message: no type byte in v4
      assertEquals("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", ws.nextText());
      Object[] attachment = ws.next();
      assertEquals(2, (int) attachment[0]);
      assertArrayEquals(new byte[] {'4', 1, 2, 3}, (byte[]) attachment[1]);
    }
  }
}
