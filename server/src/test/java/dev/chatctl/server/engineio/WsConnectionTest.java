package dev.chatctl.server.engineio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket framing (RFC 6455) of {@link WsConnection}, checked byte by byte with a raw TCP
 * client against the conformance application: masking, lengths, fragmentation, control frames in
 * between, ping, close, and the errors that close the connection.
 */
class WsConnectionTest extends ConformanceAppTest {
  /** A WebSocket session that has joined "/" (the conformance app then emits "auth"). */
  private static RawWebSocket joined() throws IOException {
    RawWebSocket ws = RawWebSocket.open(port, "EIO=4&transport=websocket");
    assertTrue(ws.nextText().startsWith("0{"));
    ws.text("40");
    assertTrue(ws.nextText().startsWith("40{"));
    assertEquals("42[\"auth\",{}]", ws.nextText());
    return ws;
  }

  @Test
  void maskedTextFramesOfEveryLengthEncodingArriveWhole() throws IOException {
    try (RawWebSocket ws = joined()) {
      for (int size : new int[] {1, 125, 126, 65535, 65536, 200_000}) {
        String big = "x".repeat(size);
        ws.text("42[\"message\",\"" + big + "\"]");
        assertEquals("42[\"message-back\",\"" + big + "\"]", ws.nextText(), "size " + size);
      }
    }
  }

  @Test
  void fragmentedMessagesWithAPingInBetweenAreReassembled() throws IOException {
    try (RawWebSocket ws = joined()) {
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
    try (RawWebSocket ws = joined()) {
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
    try (RawWebSocket ws = joined()) {
      ws.frame(true, 8, new byte[] {0x03, (byte) 0xE8}); // 1000
      assertEquals(1000, ws.closeCode());
    }
  }

  @Test
  void anUnmaskedFrameIsAProtocolError() throws IOException {
    try (RawWebSocket ws = joined()) {
      byte[] payload = "42[\"message\",1]".getBytes(StandardCharsets.UTF_8);
      ws.out.write(new byte[] {(byte) 0x81, (byte) payload.length});
      ws.out.write(payload);
      ws.out.flush();
      assertEquals(1002, ws.closeCode());
    }
  }

  @Test
  void invalidUtf8IsInvalidData() throws IOException {
    try (RawWebSocket ws = joined()) {
      ws.frame(true, 1, new byte[] {'4', '2', (byte) 0xC3, (byte) 0x28});
      assertEquals(1007, ws.closeCode());
    }
  }

  @Test
  void aMessageOverMaxPayloadIsTooBig() throws IOException {
    try (RawWebSocket ws = joined()) {
      ws.frame(false, 1, new byte[600_000]);
      ws.frame(true, 0, new byte[600_000]); // 1.2 MB in all: over the 1,000,000 bytes allowed
      assertEquals(1009, ws.closeCode());
    }
  }

  @Test
  void aContinuationOfNothingAndAFragmentedPingAreProtocolErrors() throws IOException {
    try (RawWebSocket ws = joined()) {
      ws.frame(true, 0, "x".getBytes(StandardCharsets.UTF_8));
      assertEquals(1002, ws.closeCode());
    }
    try (RawWebSocket ws = joined()) {
      ws.frame(false, 9, new byte[0]);
      assertEquals(1002, ws.closeCode());
    }
  }

  @Test
  void binaryFramesCarryAttachments() throws IOException {
    try (RawWebSocket ws = joined()) {
      ws.text("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
      ws.frame(
          true, 2, new byte[] {'4', 1, 2, 3}); // an Engine.IO binary message: no type byte in v4
      assertEquals("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", ws.nextText());
      Object[] attachment = ws.next();
      assertEquals(2, (int) attachment[0]);
      assertArrayEquals(new byte[] {'4', 1, 2, 3}, (byte[]) attachment[1]);
    }
  }
}
