package dev.chatctl.protocol.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.chatctl.protocol.chat.ClientEvent.History;
import dev.chatctl.protocol.chat.ClientEvent.ListConversations;
import dev.chatctl.protocol.chat.ClientEvent.ListUsers;
import dev.chatctl.protocol.chat.ClientEvent.ReadMessages;
import dev.chatctl.protocol.chat.ClientEvent.SendMessage;
import dev.chatctl.protocol.chat.ClientEvent.StatusRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an event name and its JSON arguments into a {@link ClientEvent}, or a {@link Refusal} with
 * the contract's code. Unknown keys and extra arguments are ignored.
 */
public final class ClientEvents {

  /** Longest id, session id or client message id (UTF-16 code units). */
  public static final int MAX_ID_LENGTH = 191;

  /** Default and largest page of users:list and message:history. */
  public static final int DEFAULT_LIMIT = 50;

  public static final int MAX_LIMIT = 100;

  /** Most ids in one message:read. */
  public static final int MAX_READ_IDS = 1000;

  private ClientEvents() {}

  /** The outcome of parsing one event. */
  public sealed interface Parsed {}

  /** A valid event. */
  public record Valid(ClientEvent event) implements Parsed {}

  /**
   * A refused event. {@code clientMessageId} is the failed send's clientMessageId when it was a
   * string (echoed in message:error), else null.
   */
  public record Invalid(String event, Refusal refusal, String clientMessageId) implements Parsed {}

  /** An event of no contract: ignored. */
  public record Unknown(String event) implements Parsed {}

  /**
   * Parses an event's arguments (the ack callback is not among them).
   *
   * @param maxMessageLength the longest content after trimming, in UTF-16 code units
   */
  public static Parsed parse(String event, List<JsonNode> args, int maxMessageLength) {
    JsonNode payload = args.isEmpty() ? null : args.get(0);
    return switch (event) {
      case Events.MESSAGE_SEND -> parseSend(args, payload, maxMessageLength);
      case Events.STATUS_REQUEST -> new Valid(new StatusRequest());
      case Events.USERS_LIST -> parseListUsers(args, payload);
      case Events.MESSAGE_READ -> parseRead(args, payload);
      case Events.MESSAGE_HISTORY -> parseHistory(args, payload);
      case Events.CONVERSATION_LIST -> new Valid(new ListConversations());
      default -> new Unknown(event);
    };
  }

  private static Parsed parseSend(List<JsonNode> args, JsonNode payload, int maxLength) {
    String clientMessageId =
        payload != null && payload.isObject() && payload.path("clientMessageId").isTextual()
            ? payload.get("clientMessageId").textValue()
            : null;
    String reason = sendProblem(args, payload, maxLength);
    if (reason != null) {
      return new Invalid(Events.MESSAGE_SEND, Refusal.invalid(reason), clientMessageId);
    }
    return new Valid(
        new SendMessage(
            payload.get("recipientId").textValue(),
            JsText.trim(payload.get("content").textValue()),
            optionalText(payload, "sessionId"),
            optionalText(payload, "clientMessageId")));
  }

  private static String sendProblem(List<JsonNode> args, JsonNode payload, int maxLength) {
    if (hasBinary(args)) {
      return "binary payloads are not accepted";
    }
    if (payload == null || !payload.isObject()) {
      return "payload must be an object";
    }
    JsonNode recipientId = payload.get("recipientId");
    if (!isId(recipientId)) {
      return "recipientId must be a non-empty string of at most " + MAX_ID_LENGTH + " characters";
    }
    JsonNode content = payload.get("content");
    if (content == null || !content.isTextual()) {
      return "content must be a string";
    }
    int length = JsText.trim(content.textValue()).length();
    if (length < 1 || length > maxLength) {
      return "content must be 1 to " + maxLength + " characters after trimming";
    }
    if (!isOptionalShortText(payload.get("sessionId"))) {
      return "sessionId must be null or a string of at most " + MAX_ID_LENGTH + " characters";
    }
    if (!isOptionalShortText(payload.get("clientMessageId"))) {
      return "clientMessageId must be null or a string of at most " + MAX_ID_LENGTH + " characters";
    }
    return null;
  }

  private static Parsed parseListUsers(List<JsonNode> args, JsonNode payload) {
    String reason = null;
    String query = null;
    int limit = DEFAULT_LIMIT;
    if (hasBinary(args)) {
      reason = "binary payloads are not accepted";
    } else if (payload != null && !payload.isNull()) {
      if (!payload.isObject()) {
        reason = "payload must be an object";
      } else if (!isOptionalShortText(payload.get("query"))) {
        reason = "query must be a string of at most " + MAX_ID_LENGTH + " characters";
      } else if (!isOptionalLimit(payload.get("limit"))) {
        reason = "limit must be an integer from 1 to " + MAX_LIMIT;
      } else {
        query = optionalText(payload, "query");
        limit = limitOr(payload.get("limit"), DEFAULT_LIMIT);
      }
    }
    return reason != null
        ? new Invalid(Events.USERS_LIST, Refusal.invalid(reason), null)
        : new Valid(new ListUsers(query == null || query.isEmpty() ? null : query, limit));
  }

  private static Parsed parseRead(List<JsonNode> args, JsonNode payload) {
    if (hasBinary(args)
        || payload == null
        || !payload.isObject()
        || !payload.path("messageIds").isArray()) {
      return new Invalid(
          Events.MESSAGE_READ,
          Refusal.invalid("payload must be {messageIds: [message id, ...]}"),
          null);
    }
    JsonNode ids = payload.get("messageIds");
    if (ids.size() > MAX_READ_IDS) {
      return new Invalid(
          Events.MESSAGE_READ,
          Refusal.invalid("at most " + MAX_READ_IDS + " messageIds at once"),
          null);
    }
    List<String> messageIds = new ArrayList<>(ids.size());
    for (JsonNode id : ids) {
      if (!isId(id)) {
        return new Invalid(
            Events.MESSAGE_READ, Refusal.invalid("messageIds must be message ids (strings)"), null);
      }
      messageIds.add(id.textValue());
    }
    return new Valid(new ReadMessages(List.copyOf(messageIds)));
  }

  private static Parsed parseHistory(List<JsonNode> args, JsonNode payload) {
    String reason = null;
    if (hasBinary(args)) {
      reason = "binary payloads are not accepted";
    } else if (payload == null || !payload.isObject()) {
      reason = "payload must be an object";
    } else if (!isId(payload.get("withUserId"))) {
      reason = "withUserId must be a non-empty string of at most " + MAX_ID_LENGTH + " characters";
    } else if (!isOptionalShortText(payload.get("before"))) {
      reason = "before must be null or a message id";
    } else if (!isOptionalLimit(payload.get("limit"))) {
      reason = "limit must be an integer from 1 to " + MAX_LIMIT;
    }
    if (reason != null) {
      return new Invalid(Events.MESSAGE_HISTORY, Refusal.invalid(reason), null);
    }
    return new Valid(
        new History(
            payload.get("withUserId").textValue(),
            optionalText(payload, "before"),
            limitOr(payload.get("limit"), DEFAULT_LIMIT)));
  }

  private static boolean isId(JsonNode node) {
    return node != null
        && node.isTextual()
        && !node.textValue().isEmpty()
        && node.textValue().length() <= MAX_ID_LENGTH;
  }

  private static boolean isOptionalShortText(JsonNode node) {
    return node == null
        || node.isNull()
        || (node.isTextual() && node.textValue().length() <= MAX_ID_LENGTH);
  }

  private static boolean isOptionalLimit(JsonNode node) {
    if (node == null || node.isNull()) {
      return true;
    }
    if (!node.isNumber()) {
      return false;
    }
    double value = node.doubleValue();
    return value == Math.rint(value) && value >= 1 && value <= MAX_LIMIT;
  }

  private static int limitOr(JsonNode node, int fallback) {
    return node == null || node.isNull() ? fallback : (int) node.doubleValue();
  }

  private static String optionalText(JsonNode payload, String field) {
    JsonNode node = payload.get(field);
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  /** True when any argument holds a binary attachment, at any depth. */
  public static boolean hasBinary(List<JsonNode> args) {
    for (JsonNode arg : args) {
      if (hasBinary(arg)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasBinary(JsonNode node) {
    if (node instanceof BinaryNode) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (hasBinary(child)) {
          return true;
        }
      }
    }
    return false;
  }
}
