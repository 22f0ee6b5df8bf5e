package dev.chatctl.cli.client;

// Over 350 lines: one typed method per request and event of the chat contract (docs/PROTOCOL.md),
// each short.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.protocol.chat.MessageError;
import dev.chatctl.protocol.chat.Receipts;
import dev.chatctl.protocol.chat.UserPresence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat contract (PROTOCOL.md) over a {@link SocketClient}: typed requests, and the server's
 * events as {@link ChatEvent} records given to one listener, on the client's event loop.
 *
 * <p>Sends are reliable across drops: every {@link #send} carries a {@code clientMessageId} and
 * stays in an outbox until {@code message:sent} (or {@code message:error}) answers it. Sends made
 * while disconnected go out, in order, when the connection is back, and a send whose answer was
 * lost with the connection is sent again with the same {@code clientMessageId}, which the server
 * stores once and answers with the stored message.
 *
 * <pre>{@code
 * try (ChatClient chat = new ChatClient(ClientOptions.of("http://localhost:3001", token), event -> {
 *       if (event instanceof ChatEvent.Received r) System.out.println(r.message().content());
 *     })) {
 *   chat.connect().join();
 *   Message stored = chat.send("bob", "hi").join();
 * }
 * }</pre>
 */
public final class ChatClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatClient.class);

  /**
   * A message to send; {@code sessionId} may be null; {@code clientMessageId} makes retries safe.
   */
  public record Outgoing(
      String recipientId, String content, String sessionId, String clientMessageId) {
    public Outgoing {
      if (clientMessageId == null || clientMessageId.isEmpty()) {
        throw new IllegalArgumentException("a send needs a clientMessageId");
      }
    }

    public Outgoing(String recipientId, String content) {
      this(recipientId, content, null, newClientMessageId());
    }
  }

  private final SocketClient socket;
  private final Consumer<? super ChatEvent> listener;
  private final Duration requestTimeout;
  // event loop only
  private final Map<String, PendingSend> outbox = new LinkedHashMap<>();
  private int generation;
  private boolean connected;
  private final AtomicInteger unanswered = new AtomicInteger();

  private static final class PendingSend {
    final Outgoing message;
    final CompletableFuture<Message> future = new CompletableFuture<>();
    int sentIn = -1;

    PendingSend(Outgoing message) {
      this.message = message;
    }
  }

  public ChatClient(ClientOptions options, Consumer<? super ChatEvent> listener) {
    this.listener = listener;
    this.requestTimeout = options.requestTimeout();
    this.socket = new SocketClient(options, new Bridge());
    socket.terminated().thenAccept(why -> socket.execute(() -> failAll(why)));
  }

  /** A fresh clientMessageId. */
  public static String newClientMessageId() {
    return UUID.randomUUID().toString();
  }

  /** Connects; see {@link SocketClient#connect()}. */
  public CompletableFuture<SocketClient.Connected> connect() {
    return socket.connect();
  }

  /** The Socket.IO client underneath (state, pid, offset, raw emits). */
  public SocketClient socket() {
    return socket;
  }

  // ------------------------------------------------------------------ sends

  /** Sends a message with a new clientMessageId; see {@link #send(Outgoing)}. */
  public CompletableFuture<Message> send(String recipientId, String content) {
    return send(new Outgoing(recipientId, content));
  }

  /**
   * Sends a message, now or as soon as connected. Completes with the stored message ({@code
   * message:sent}); fails with REFUSED and the code of {@code message:error}, or CLOSED when the
   * client stops first. There is no timeout of its own: use {@code orTimeout}.
   */
  public CompletableFuture<Message> send(Outgoing message) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    unanswered.incrementAndGet();
    result.whenComplete((m, e) -> unanswered.decrementAndGet());
    socket.execute(
        () -> {
          if (socket.state() == SocketClient.State.CLOSED) {
            result.completeExceptionally(
                new ClientException(ClientException.Kind.CLOSED, "the client is closed"));
            return;
          }
          PendingSend send = outbox.get(message.clientMessageId());
          if (send == null) {
            send = new PendingSend(message);
            outbox.put(message.clientMessageId(), send);
            if (connected) {
              emitSend(send);
            }
          }
          send.future.whenComplete(
              (m, e) -> {
                if (e != null) {
                  result.completeExceptionally(e);
                } else {
                  result.complete(m);
                }
              });
        });
    return result;
  }

  /**
   * Sends not answered yet (queued, or sent and awaiting message:sent), counted from the {@link
   * #send} calls.
   */
  public int pendingSends() {
    return unanswered.get();
  }

  /** Completes when every send made before this call is answered (or failed). */
  public CompletableFuture<Void> whenSent() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    socket.execute(
        () -> {
          List<CompletableFuture<Message>> futures = new ArrayList<>();
          for (PendingSend p : outbox.values()) {
            futures.add(p.future);
          }
          CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
              .whenComplete((x, e) -> done.complete(null));
        });
    return done;
  }

  private void emitSend(PendingSend send) {
    Outgoing m = send.message;
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("recipientId", m.recipientId());
    payload.put("content", m.content());
    if (m.sessionId() != null) {
      payload.put("sessionId", m.sessionId());
    }
    payload.put("clientMessageId", m.clientMessageId());
    socket.emit(Events.MESSAGE_SEND, payload);
    send.sentIn = generation;
  }

  private void failAll(ClientException why) {
    List<PendingSend> sends = new ArrayList<>(outbox.values());
    outbox.clear();
    for (PendingSend p : sends) {
      p.future.completeExceptionally(why);
    }
  }

  // ------------------------------------------------------------------ requests

  /** {@code status:request}: the ids of the users online now. */
  public CompletableFuture<List<String>> onlineUsers() {
    return socket
        .emitWithAck(requestTimeout, Events.STATUS_REQUEST)
        .thenApply(
            args -> {
              JsonNode ids = args.isEmpty() ? null : args.get(0);
              if (ids == null || !ids.isArray()) {
                throw malformed(Events.STATUS_REQUEST);
              }
              List<String> out = new ArrayList<>();
              ids.forEach(id -> out.add(id.asText()));
              return out;
            });
  }

  /**
   * {@code users:list}: the directory's users whose id or name contains {@code query} (null: all),
   * online first.
   */
  public CompletableFuture<List<DirectoryEntry>> users(String query, int limit) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    if (query != null && !query.isEmpty()) {
      payload.put("query", query);
    }
    payload.put("limit", limit);
    return request(Events.USERS_LIST, Answers.Users.class, payload).thenApply(Answers.Users::users);
  }

  /** {@code message:history}: a page of the conversation with a user, oldest first. */
  public CompletableFuture<Answers.History> history(String withUserId, String before, int limit) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("withUserId", withUserId);
    if (before != null) {
      payload.put("before", before);
    }
    payload.put("limit", limit);
    return request(Events.MESSAGE_HISTORY, Answers.History.class, payload);
  }

  /** {@code conversation:list}: my conversations, most recent first, with unread counts. */
  public CompletableFuture<List<Answers.Conversation>> conversations() {
    return request(Events.CONVERSATION_LIST, Answers.Conversations.class)
        .thenApply(Answers.Conversations::conversations);
  }

  /** {@code message:read}: marks received messages read; completes with the ids newly read. */
  public CompletableFuture<List<String>> markRead(Collection<String> messageIds) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.set("messageIds", Json.MAPPER.valueToTree(List.copyOf(messageIds)));
    return request(Events.MESSAGE_READ, Answers.ReadIds.class, payload)
        .thenApply(Answers.ReadIds::messageIds);
  }

  private <T> CompletableFuture<T> request(String event, Class<T> type, Object... args) {
    return socket
        .emitWithAck(requestTimeout, event, args)
        .thenApply(
            answer -> {
              JsonNode body = answer.isEmpty() ? null : answer.get(0);
              if (body == null || !body.isObject()) {
                throw malformed(event);
              }
              if (!body.path("ok").asBoolean(false)) {
                JsonNode error = body.path("error");
                throw ClientException.refused(
                    error.path("code").asText(null),
                    error.path("message").asText(event + " refused"));
              }
              try {
                return Json.convert(body, type);
              } catch (IllegalArgumentException e) {
                throw malformed(event);
              }
            });
  }

  private static ClientException malformed(String event) {
    return new ClientException(
        ClientException.Kind.UNAVAILABLE,
        "the server's answer to " + event + " is not the contract's");
  }

  /** Disconnects and releases the client; pending sends and requests fail with CLOSED. */
  @Override
  public void close() {
    socket.close();
  }

  // ------------------------------------------------------------------ events

  private final class Bridge implements SocketClient.Listener {
    @Override
    public void onConnect(SocketClient.Connected c) {
      connected = true;
      generation++;
      for (PendingSend send : outbox.values()) {
        if (send.sentIn != generation) {
          emitSend(send); // queued meanwhile, or its answer was lost with the connection
        }
      }
      emit(new ChatEvent.Connected(c.sid(), c.pid(), c.recovered(), c.reconnect()));
    }

    @Override
    public void onConnectError(ClientException error, boolean willRetry) {
      emit(new ChatEvent.ConnectFailed(error, willRetry));
    }

    @Override
    public void onDisconnect(String reason, boolean willReconnect) {
      connected = false;
      emit(new ChatEvent.Disconnected(reason, willReconnect));
    }

    @Override
    public void onReconnecting(int attempt, Duration delay) {
      emit(new ChatEvent.Reconnecting(attempt, delay));
    }

    @Override
    public void onEvent(String event, List<JsonNode> args) {
      ChatEvent parsed;
      try {
        parsed = parse(event, args);
      } catch (IllegalArgumentException e) {
        log.debug("{} with an unexpected payload: {}", event, args, e);
        parsed = new ChatEvent.Other(event, args);
      }
      switch (parsed) {
        case ChatEvent.Sent sent -> {
          PendingSend send =
              sent.message().clientMessageId() == null
                  ? null
                  : outbox.remove(sent.message().clientMessageId());
          emit(sent);
          if (send != null) {
            send.future.complete(sent.message());
          }
        }
        case ChatEvent.SendFailed failed -> {
          String id = failed.error().clientMessageId();
          PendingSend send = id == null ? null : outbox.remove(id);
          emit(failed);
          if (send != null) {
            send.future.completeExceptionally(
                ClientException.refused(failed.error().code(), failed.error().error()));
          }
        }
        default -> emit(parsed);
      }
    }
  }

  private static ChatEvent parse(String event, List<JsonNode> args) {
    JsonNode first = args.isEmpty() ? null : args.get(0);
    if (first == null) {
      return new ChatEvent.Other(event, args);
    }
    return switch (event) {
      case Events.MESSAGE_RECEIVE ->
          new ChatEvent.Received(
              Json.convert(first, Message.class),
              args.size() > 1 && args.get(args.size() - 1).isTextual()
                  ? args.get(args.size() - 1).textValue()
                  : null);
      case Events.MESSAGE_SENT -> new ChatEvent.Sent(Json.convert(first, Message.class));
      case Events.MESSAGE_ERROR ->
          new ChatEvent.SendFailed(Json.convert(first, MessageError.class));
      case Events.MESSAGE_DELIVERED ->
          new ChatEvent.Delivered(Json.convert(first, Receipts.Delivered.class));
      case Events.MESSAGE_READ -> new ChatEvent.Read(Json.convert(first, Receipts.Read.class));
      case Events.USER_ONLINE ->
          new ChatEvent.UserOnline(Json.convert(first, UserPresence.class).userId());
      case Events.USER_OFFLINE ->
          new ChatEvent.UserOffline(Json.convert(first, UserPresence.class).userId());
      case Events.USERS_ONLINE ->
          new ChatEvent.OnlineUsers(List.of(Json.convert(first, String[].class)));
      case Events.AUTH_EXPIRED -> new ChatEvent.AuthExpired(first.path("code").asText(null));
      default -> new ChatEvent.Other(event, args);
    };
  }

  private void emit(ChatEvent event) {
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      log.warn("a chat listener failed on {}", event, e);
    }
  }
}
