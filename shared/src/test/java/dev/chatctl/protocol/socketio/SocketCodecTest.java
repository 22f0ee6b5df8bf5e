package dev.chatctl.protocol.socketio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.socketio.SocketPacket.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SocketCodecTest {

  private static SocketPacket decode(String text) {
    return new SocketCodec.Decoder().decode(text);
  }

  @Test
  void connectToTheMainAndACustomNamespace() {
    SocketPacket main = decode("0");
    assertEquals(Type.CONNECT, main.type());
    assertEquals("/", main.namespace());
    assertNull(main.data());

    SocketPacket custom = decode("0/admin,{\"token\":\"abc\"}");
    assertEquals("/admin", custom.namespace());
    assertEquals("abc", custom.data().get("token").asText());

    assertEquals("/random", decode("0/random").namespace());
  }

  @Test
  void eventsWithAndWithoutAnAckId() {
    SocketPacket event = decode("2[\"message:send\",{\"a\":1}]");
    assertEquals(Type.EVENT, event.type());
    assertEquals(-1, event.ackId());
    assertEquals("message:send", event.data().get(0).asText());

    SocketPacket withAck = decode("2/chat,456[\"x\"]");
    assertEquals("/chat", withAck.namespace());
    assertEquals(456, withAck.ackId());
    assertTrue(withAck.wantsAck());
  }

  @Test
  void encodingIsTheInverseOfDecoding() {
    ArrayNode data = JsonNodeFactory.instance.arrayNode().add("message-back").add(1).add("2");
    String text = SocketCodec.encode(new SocketPacket(Type.EVENT, "/", -1, data)).text();
    assertEquals("2[\"message-back\",1,\"2\"]", text);
    assertEquals(
        "3/custom,12[\"ok\"]",
        SocketCodec.encode(
                new SocketPacket(
                    Type.ACK, "/custom", 12, JsonNodeFactory.instance.arrayNode().add("ok")))
            .text());
    assertEquals(
        "0{\"sid\":\"s\"}",
        SocketCodec.encode(new SocketPacket(Type.CONNECT, "/", -1, Json.read("{\"sid\":\"s\"}")))
            .text());
    assertEquals(
        "1/custom",
        SocketCodec.encode(new SocketPacket(Type.DISCONNECT, "/custom", -1, null)).text());
  }

  @Test
  void preEncodedEventsAndAcksMatchTheGeneralEncoder() {
    assertEquals(
        "2[\"user:online\",{\"userId\":\"a\\\"b\"}]",
        SocketCodec.eventText("/", "user:online", "{\"userId\":\"a\\\"b\"}"));
    assertEquals("2/x,[\"e\",1,2]", SocketCodec.eventText("/x", "e", "1", "2"));
    assertEquals("37[{\"ok\":true}]", SocketCodec.ackText("/", 7, "{\"ok\":true}"));
  }

  @Test
  void binaryAttachmentsTravelAsPlaceholdersThenFrames() {
    ArrayNode data =
        JsonNodeFactory.instance
            .arrayNode()
            .add("file")
            .add(BinaryNode.valueOf(new byte[] {1, 2, 3}));
    SocketCodec.Encoded encoded = SocketCodec.encode(new SocketPacket(Type.EVENT, "/", 9, data));
    assertEquals("51-9[\"file\",{\"_placeholder\":true,\"num\":0}]", encoded.text());
    assertEquals(1, encoded.attachments().size());

    SocketCodec.Decoder decoder = new SocketCodec.Decoder();
    assertNull(decoder.decode(encoded.text()), "waits for the attachment");
    assertTrue(decoder.awaitingAttachments());
    SocketPacket whole = decoder.decode(encoded.attachments().get(0));
    assertEquals(Type.BINARY_EVENT, whole.type());
    assertArrayEquals(new byte[] {1, 2, 3}, ((BinaryNode) whole.data().get(1)).binaryValue());
  }

  @Test
  void theConformanceSuitesBinaryEventDecodes() throws Exception {
    SocketCodec.Decoder decoder = new SocketCodec.Decoder();
    assertNull(
        decoder.decode(
            "52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
    assertNull(decoder.decode(new byte[] {1, 2, 3}));
    SocketPacket packet = decoder.decode(new byte[] {4, 5, 6});
    JsonNode data = packet.data();
    assertArrayEquals(new byte[] {4, 5, 6}, data.get(2).binaryValue());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "7", "abc", "2{}", "2[]", "2[\"connect\"]", "2[\"disconnect\",1]", "2abc[\"x\"]",
        "0\"str\"", "1{}", "3", "5[\"x\"]", "5x-[\"x\"]", "2[\"x\"] trailing", "2[\"x\"", "4"
      })
  void malformedPacketsAreRefused(String text) {
    assertThrows(ProtocolException.class, () -> decode(text), text);
  }

  @Test
  void aTextPacketWhileAttachmentsAreAwaitedIsRefused() {
    SocketCodec.Decoder decoder = new SocketCodec.Decoder();
    decoder.decode("51-[\"x\",{\"_placeholder\":true,\"num\":0}]");
    assertThrows(ProtocolException.class, () -> decoder.decode("2[\"y\"]"));
    assertThrows(ProtocolException.class, () -> new SocketCodec.Decoder().decode(new byte[] {1}));
  }
}
