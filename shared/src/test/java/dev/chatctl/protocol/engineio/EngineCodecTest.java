package dev.chatctl.protocol.engineio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chatctl.protocol.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineCodecTest {

  @Test
  void textPacketsCarryTheirTypeDigitFirst() {
    assertEquals("4hello", EngineCodec.encodeText(EnginePacket.message("hello")));
    assertEquals("2", EngineCodec.encodeText(EnginePacket.PING));
    assertEquals(
        "2probe", EngineCodec.encodeText(EnginePacket.of(EnginePacket.Type.PING, "probe")));
    assertEquals(
        EnginePacket.of(EnginePacket.Type.PONG, "probe"), EngineCodec.decodeText("3probe"));
    assertEquals(EnginePacket.message("42[\"a\"]"), EngineCodec.decodeText("442[\"a\"]"));
  }

  @Test
  void anUnknownTypeOrAnEmptyFrameIsNotAPacket() {
    assertThrows(ProtocolException.class, () -> EngineCodec.decodeText(""));
    assertThrows(ProtocolException.class, () -> EngineCodec.decodeText("7"));
    assertThrows(ProtocolException.class, () -> EngineCodec.decodeText("x"));
  }

  @Test
  void pollingPayloadsJoinPacketsWithTheRecordSeparatorAndBase64Binaries() {
    String payload =
        EngineCodec.encodePayload(
            List.of(
                EnginePacket.message("hi"),
                EnginePacket.PING,
                EnginePacket.message(new byte[] {1, 2, 3})));
    assertEquals("4hi\u001e2\u001ebAQID", payload);
    List<EnginePacket> back = EngineCodec.decodePayload(payload);
    assertEquals(3, back.size());
    assertEquals(EnginePacket.message("hi"), back.get(0));
    assertEquals(EnginePacket.PING, back.get(1));
    assertArrayEquals(new byte[] {1, 2, 3}, back.get(2).binary());
  }

  @Test
  void aPayloadWithOneBadRecordIsRefusedWhole() {
    assertThrows(ProtocolException.class, () -> EngineCodec.decodePayload("4ok\u001e9bad"));
    assertThrows(ProtocolException.class, () -> EngineCodec.decodePayload("b!!notbase64"));
    assertThrows(ProtocolException.class, () -> EngineCodec.decodePayload("4ok\u001e"));
  }

  @Test
  void onlyMessagesCanBeBinary() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new EnginePacket(EnginePacket.Type.PING, null, new byte[1]));
  }
}
