package dev.chatctl.protocol.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.ClientEvent.History;
import dev.chatctl.protocol.chat.ClientEvent.ListUsers;
import dev.chatctl.protocol.chat.ClientEvent.ReadMessages;
import dev.chatctl.protocol.chat.ClientEvent.SendMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every validation rule of PROTOCOL.md's events, as ClientEvents.parse applies them. */
class ClientEventsTest {
  private static final int MAX = 4000;

  private static ClientEvents.Parsed parse(String event, String... jsonArgs) {
    return ClientEvents.parse(
        event, java.util.Arrays.stream(jsonArgs).map(Json::read).toList(), MAX);
  }

  private static SendMessage send(String json) {
    return (SendMessage)
        assertInstanceOf(ClientEvents.Valid.class, parse(Events.MESSAGE_SEND, json)).event();
  }

  private static ClientEvents.Invalid refused(String event, String... json) {
    ClientEvents.Invalid invalid = assertInstanceOf(ClientEvents.Invalid.class, parse(event, json));
    assertEquals(ErrorCode.VALIDATION_FAILED, invalid.refusal().code());
    return invalid;
  }

  @Test
  void aValidSendIsTrimmedAndKeepsItsOptionalFields() {
    SendMessage m =
        send(
            "{\"recipientId\":\"bob\",\"content\":\"  hi \\u00a0\",\"sessionId\":\"s1\",\"clientMessageId\":\"c1\",\"extra\":1}");
    assertEquals(new SendMessage("bob", "hi", "s1", "c1"), m);
    assertEquals(
        new SendMessage("bob", "x", null, null),
        send(
            "{\"recipientId\":\"bob\",\"content\":\"x\",\"sessionId\":null,\"clientMessageId\":null}"));
    assertEquals(
        new SendMessage("bob", "x", null, null),
        send("{\"recipientId\":\"bob\",\"content\":\"x\"}"));
  }

  @Test
  void extraArgumentsAreIgnored() {
    assertInstanceOf(
        ClientEvents.Valid.class,
        parse(Events.MESSAGE_SEND, "{\"recipientId\":\"b\",\"content\":\"x\"}", "42", "\"more\""));
  }

  @Test
  void contentLengthCountsUtf16UnitsAfterTrimming() {
    assertInstanceOf(
        ClientEvents.Valid.class, parse(Events.MESSAGE_SEND, sendJson("a".repeat(MAX))));
    refused(Events.MESSAGE_SEND, sendJson("a".repeat(MAX + 1)));
    assertInstanceOf(
        ClientEvents.Valid.class,
        parse(Events.MESSAGE_SEND, sendJson("  " + "a".repeat(MAX) + "  ")));
    String emoji = "\ud83d\ude00"; // two UTF-16 units
    assertInstanceOf(
        ClientEvents.Valid.class, parse(Events.MESSAGE_SEND, sendJson(emoji.repeat(MAX / 2))));
    refused(Events.MESSAGE_SEND, sendJson(emoji.repeat(MAX / 2 + 1)));
  }

  private static String sendJson(String content) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("recipientId", "bob");
    o.put("content", content);
    return o.toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"just a string\"",
        "[1,2]",
        "null",
        "42",
        "{\"content\":\"x\"}",
        "{\"recipientId\":\"\",\"content\":\"x\"}",
        "{\"recipientId\":5,\"content\":\"x\"}",
        "{\"recipientId\":\"b\"}",
        "{\"recipientId\":\"b\",\"content\":5}",
        "{\"recipientId\":\"b\",\"content\":\" \\n\\t\\u3000 \"}",
        "{\"recipientId\":\"b\",\"content\":\"x\",\"sessionId\":5}",
        "{\"recipientId\":\"b\",\"content\":\"x\",\"clientMessageId\":{}}",
        "{\"recipientId\":\"b\",\"content\":\"x\",\"clientMessageId\":true}"
      })
  void wrongShapesAreValidationFailures(String json) {
    refused(Events.MESSAGE_SEND, json);
  }

  @Test
  void idsLongerThan191UnitsAreRefused() {
    String ok = "r".repeat(191);
    String tooLong = "r".repeat(192);
    assertInstanceOf(
        ClientEvents.Valid.class,
        parse(Events.MESSAGE_SEND, "{\"recipientId\":\"" + ok + "\",\"content\":\"x\"}"));
    refused(Events.MESSAGE_SEND, "{\"recipientId\":\"" + tooLong + "\",\"content\":\"x\"}");
    refused(
        Events.MESSAGE_SEND,
        "{\"recipientId\":\"b\",\"content\":\"x\",\"sessionId\":\"" + tooLong + "\"}");
    refused(
        Events.MESSAGE_SEND,
        "{\"recipientId\":\"b\",\"content\":\"x\",\"clientMessageId\":\"" + tooLong + "\"}");
  }

  @Test
  void aRefusedSendEchoesAStringClientMessageIdOnly() {
    assertEquals(
        "c9",
        refused(
                Events.MESSAGE_SEND,
                "{\"recipientId\":\"\",\"content\":\"x\",\"clientMessageId\":\"c9\"}")
            .clientMessageId());
    assertNull(
        refused(
                Events.MESSAGE_SEND,
                "{\"recipientId\":\"\",\"content\":\"x\",\"clientMessageId\":7}")
            .clientMessageId());
    assertNull(refused(Events.MESSAGE_SEND, "[]").clientMessageId());
  }

  @Test
  void aBinaryAttachmentAnywhereIsRefused() {
    ObjectNode payload = Json.MAPPER.createObjectNode().put("recipientId", "b").put("content", "x");
    payload.set("file", BinaryNode.valueOf(new byte[] {1}));
    assertInstanceOf(
        ClientEvents.Invalid.class, ClientEvents.parse(Events.MESSAGE_SEND, List.of(payload), MAX));
    List<JsonNode> extraBinaryArg =
        List.of(
            Json.read("{\"recipientId\":\"b\",\"content\":\"x\"}"),
            BinaryNode.valueOf(new byte[] {2}));
    assertInstanceOf(
        ClientEvents.Invalid.class, ClientEvents.parse(Events.MESSAGE_SEND, extraBinaryArg, MAX));
  }

  @Test
  void usersListDefaultsAndLimits() {
    assertEquals(new ListUsers(null, 50), ((ClientEvents.Valid) parse(Events.USERS_LIST)).event());
    assertEquals(
        new ListUsers("al", 5),
        ((ClientEvents.Valid) parse(Events.USERS_LIST, "{\"query\":\"al\",\"limit\":5}")).event());
    assertEquals(
        new ListUsers(null, 100),
        ((ClientEvents.Valid) parse(Events.USERS_LIST, "{\"limit\":100.0}")).event());
    refused(Events.USERS_LIST, "{\"limit\":0}");
    refused(Events.USERS_LIST, "{\"limit\":101}");
    refused(Events.USERS_LIST, "{\"limit\":1.5}");
    refused(Events.USERS_LIST, "{\"query\":7}");
    refused(Events.USERS_LIST, "\"all\"");
  }

  @Test
  void historyNeedsAConversationAndALimitInRange() {
    assertEquals(
        new History("bob", null, 50),
        ((ClientEvents.Valid) parse(Events.MESSAGE_HISTORY, "{\"withUserId\":\"bob\"}")).event());
    assertEquals(
        new History("bob", "m1", 10),
        ((ClientEvents.Valid)
                parse(
                    Events.MESSAGE_HISTORY,
                    "{\"withUserId\":\"bob\",\"before\":\"m1\",\"limit\":10}"))
            .event());
    refused(Events.MESSAGE_HISTORY, "{}");
    refused(Events.MESSAGE_HISTORY, "{\"withUserId\":\"\"}");
    refused(Events.MESSAGE_HISTORY, "{\"withUserId\":\"bob\",\"limit\":0}");
    refused(Events.MESSAGE_HISTORY, "{\"withUserId\":\"bob\",\"before\":5}");
    refused(Events.MESSAGE_HISTORY);
  }

  @Test
  void readNeedsAListOfIds() {
    assertEquals(
        new ReadMessages(List.of("a", "b")),
        ((ClientEvents.Valid) parse(Events.MESSAGE_READ, "{\"messageIds\":[\"a\",\"b\"]}"))
            .event());
    refused(Events.MESSAGE_READ, "{\"messageIds\":\"a\"}");
    refused(Events.MESSAGE_READ, "{\"messageIds\":[1]}");
    refused(Events.MESSAGE_READ, "{}");
  }

  @Test
  void statusRequestTakesAnythingAndUnknownEventsAreIgnored() {
    assertInstanceOf(ClientEvents.Valid.class, parse(Events.STATUS_REQUEST, "\"whatever\""));
    assertInstanceOf(ClientEvents.Unknown.class, parse("typing:start", "{}"));
  }
}
