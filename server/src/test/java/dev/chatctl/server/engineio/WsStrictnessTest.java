package dev.chatctl.server.engineio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455's rules that a peer can break, one by one with a raw TCP client, and the close code (or
 * HTTP answer) the RFC names for each (issue 10).
 */
class WsStrictnessTest extends ConformanceAppTest {
  private static RawWebSocket opened() throws IOException {
    RawWebSocket ws = RawWebSocket.open(port, "EIO=4&transport=websocket");
    assertTrue(ws.nextText().startsWith("0{"));
    return ws;
  }

  /** The close code the server answers a close frame with this payload. */
  private static int answerToClose(byte[] payload) throws IOException {
    try (RawWebSocket ws = opened()) {
      ws.frame(true, RawWebSocket.CLOSE, payload);
      return ws.closeCode();
    }
  }

  private static byte[] code(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array();
  }

  /** The close code the server answers these raw bytes with. */
  private static int answerTo(byte[] bytes) throws IOException {
    try (RawWebSocket ws = opened()) {
      ws.out.write(bytes);
      ws.out.flush();
      return ws.closeCode();
    }
  }

  @Test
  void closeCodesThatMayNotBeSentAreProtocolErrors() throws IOException {
    for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
      assertEquals(1002, answerToClose(code(code, "")), "close code " + code);
    }
  }

  @Test
  void validCloseCodesAreEchoed() throws IOException {
    for (int code : new int[] {1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999}) {
      assertEquals(code, answerToClose(code(code, "bye")), "close code " + code);
    }
  }

  @Test
  void anEmptyCloseIsAnsweredWithNormalClosure() throws IOException {
    assertEquals(1000, answerToClose(new byte[0]));
  }

  @Test
  void aOneByteClosePayloadIsAProtocolError() throws IOException {
    assertEquals(1002, answerToClose(new byte[] {0x03}));
  }

  @Test
  void aCloseReasonOfInvalidUtf8IsInvalidData() throws IOException {
    assertEquals(1007, answerToClose(new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, 0x28}));
  }

  @Test
  void aFrameAnnouncedOverMaxPayloadIsTooBigBeforeItsBytesCome() throws IOException {
    // a text frame header announcing 2,000,000 bytes (limit 1,000,000), a mask, and one byte
    byte[] header = {
      (byte) 0x81,
      (byte) (0x80 | 127),
      0,
      0,
      0,
      0,
      0,
      0x1E,
      (byte) 0x84,
      (byte) 0x80,
      1,
      2,
      3,
      4,
      'x'
    };
    assertEquals(1009, answerTo(header));
  }

  @Test
  void reservedBitsUnknownOpcodesAndBadControlFramesAreProtocolErrors() throws IOException {
    assertEquals(
        1002,
        answerTo(new byte[] {(byte) 0xC1, (byte) 0x80, 0, 0, 0, 0}),
        "RSV1 without an extension");
    assertEquals(1002, answerTo(new byte[] {(byte) 0x83, (byte) 0x80, 0, 0, 0, 0}), "opcode 3");
    assertEquals(1002, answerTo(new byte[] {(byte) 0x8B, (byte) 0x80, 0, 0, 0, 0}), "opcode 0xB");
    assertEquals(
        1002, answerTo(new byte[] {(byte) 0x89, (byte) (0x80 | 126), 0, 126}), "a 126-byte ping");
    assertEquals(1002, answerTo(new byte[] {0x09, (byte) 0x80, 0, 0, 0, 0}), "a fragmented ping");
    byte[] top = {(byte) 0x82, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 9, 9, 9, 9};
    assertEquals(1002, answerTo(top), "a 64-bit length with its top bit set");
  }

  @Test
  void aNewMessageInsideAFragmentedOneIsAProtocolError() throws IOException {
    try (RawWebSocket ws = opened()) {
      ws.frame(false, RawWebSocket.TEXT, "4".getBytes(StandardCharsets.UTF_8));
      ws.frame(true, RawWebSocket.TEXT, "4x".getBytes(StandardCharsets.UTF_8));
      assertEquals(1002, ws.closeCode());
    }
  }

  @Test
  void anUnsupportedVersionGets426NamingVersion13() throws IOException {
    for (String version : new String[] {"12", "8", null}) {
      try (RawWebSocket ws =
          RawWebSocket.request(
              port, "EIO=4&transport=websocket", RawWebSocket.upgradeHeaders(version, true))) {
        String head = ws.readHttpHead();
        assertTrue(head.startsWith("HTTP/1.1 426"), version + ": " + head);
        assertTrue(head.toLowerCase().contains("sec-websocket-version: 13"), head);
      }
    }
  }

  @Test
  void aMissingOrInvalidKeyGets400() throws IOException {
    try (RawWebSocket ws =
        RawWebSocket.request(
            port, "EIO=4&transport=websocket", RawWebSocket.upgradeHeaders("13", false))) {
      assertTrue(ws.readHttpHead().startsWith("HTTP/1.1 400"));
    }
    String shortKey =
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n";
    try (RawWebSocket ws = RawWebSocket.request(port, "EIO=4&transport=websocket", shortKey)) {
      assertTrue(ws.readHttpHead().startsWith("HTTP/1.1 400"));
    }
  }
}
