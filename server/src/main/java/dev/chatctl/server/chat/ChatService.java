package dev.chatctl.server.chat;

import dev.chatctl.util.Throwables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.ClientEvent;
import dev.chatctl.protocol.chat.ClientEvents;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.protocol.chat.MessageError;
import dev.chatctl.protocol.chat.Receipts;
import dev.chatctl.protocol.chat.Refusal;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import dev.chatctl.server.auth.AuthResult;
import dev.chatctl.server.auth.Identity;
import dev.chatctl.server.auth.RefusedConnects;
import dev.chatctl.server.auth.TokenSources;
import dev.chatctl.server.auth.TokenVerifier;
import dev.chatctl.server.engineio.HandshakeRequest;
import dev.chatctl.server.engineio.PreparedMessage;
import dev.chatctl.server.socketio.Ack;
import dev.chatctl.server.socketio.Admission;
import dev.chatctl.server.socketio.NamespaceHandler;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.MessageStore;
import dev.chatctl.server.store.StoreOp;
import dev.chatctl.server.store.StoreOp.SendOutcome;
import dev.chatctl.server.store.StoreWriter;
import dev.chatctl.server.store.StoredMessage;
import dev.chatctl.server.store.UserRecord;
import dev.chatctl.server.store.UserStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat application on namespace "/": authenticates connects, stores and routes messages,
 * keeps presence, and answers the contract's requests (PROTOCOL.md).
 *
 * <p>Threads: events arrive on I/O threads and are only parsed there; storage runs on the {@link
 * StoreWriter}'s thread, reads on the {@code readers} pool. Messages are written to recipients on
 * the writer thread in store order; each socket's own answers go through its {@link Replies}, in
 * the order its events arrived.
 */
public final class ChatService implements NamespaceHandler {
  private static final Logger log = LoggerFactory.getLogger(ChatService.class);
  private static final Pattern OFFSET = Pattern.compile("^\\d{1,18}$");
  private static final String MAIN = SocketPacket.MAIN_NAMESPACE;
  /** Beyond this many known users, the cache of unchanged profiles starts over. */
  private static final int KNOWN_USERS_LIMIT = 200_000;

  private final TokenVerifier verifier;
  /** Refused connects as a summary line at INFO, at most one a minute. */
  private final RefusedConnects refusedConnects = new RefusedConnects(log, Duration.ofMinutes(1));
  private final StoreWriter writer;
  private final Database database;
  private final Presence presence;
  private final ExecutorService readers;
  private final Clock clock;
  private final int maxMessageLength;
  private final Map<String, Identity> knownUsers = new ConcurrentHashMap<>();
  private final Metrics metrics;

  public ChatService(
      TokenVerifier verifier,
      StoreWriter writer,
      Database database,
      Presence presence,
      ExecutorService readers,
      Clock clock,
      int maxMessageLength,
      MeterRegistry registry) {
    this.verifier = verifier;
    this.writer = writer;
    this.database = database;
    this.presence = presence;
    this.readers = readers;
    this.clock = clock;
    this.maxMessageLength = maxMessageLength;
    this.metrics = new Metrics(registry, presence);
  }

  // ------------------------------------------------------------------ connect

  @Override
  public CompletableFuture<Admission> admit(HandshakeRequest request, JsonNode auth) {
    AuthResult result = verifier.verify(TokenSources.find(request, auth));
    if (result instanceof AuthResult.Refused refused) {
      metrics.authFailure(refused.code());
      log.debug("refused a connect from {}: {} ({})", request.remoteAddress(), refused.code(), refused.reason());
      refusedConnects.record(refused.code().name(), refused.reason());
      return CompletableFuture.completedFuture(refusal("Authentication error", refused.code()));
    }
    Identity token = ((AuthResult.Valid) result).identity();
    Identity known = knownUsers.get(token.userId());
    // a user's next token differs in its expiry only: no directory write, and shared strings
    boolean upsert = !token.sameProfile(known);
    Identity identity = upsert ? token : token.sharing(known);
    String pid = null;
    Long offset = null;
    JsonNode pidNode = auth.get("pid");
    JsonNode offsetNode = auth.get("offset");
    if (pidNode != null && pidNode.isTextual()) {
      if (offsetNode == null || offsetNode.isNull()) {
        pid = pidNode.textValue();
      } else if (offsetNode.isTextual() && OFFSET.matcher(offsetNode.textValue()).matches()) {
        pid = pidNode.textValue();
        offset = Long.parseLong(offsetNode.textValue());
      } // an offset we cannot use: a new session
    }
    CompletableFuture<StoreOp.Admitted> admitted = writer.submit(new StoreOp.Admit(identity, upsert, pid, offset, new CompletableFuture<>()));
    return admitted.handle(
        (a, error) -> {
          if (Throwables.unwrap(error) instanceof StoreWriter.Stopped) {
            return new Admission.Dropped(); // stopping: the client reconnects to the next server
          }
          if (error != null) {
            log.warn("connect of {} failed: {}", identity.userId(), error.getMessage());
            return refusal("Internal error", ErrorCode.INTERNAL);
          }
          rememberUser(identity);
          if (a.recovered()) {
            metrics.recovered.increment();
          }
          return new Admission.Accepted(
              new ChatSession(identity, a.pid(), a.recovered(), a.replayAfter(), a.user()), Map.of("pid", a.pid()));
        });
  }

  private void rememberUser(Identity identity) {
    if (knownUsers.size() > KNOWN_USERS_LIMIT) {
      knownUsers.clear();
    }
    knownUsers.put(identity.userId(), identity);
  }

  private static Admission refusal(String message, ErrorCode code) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("code", code.name());
    return Admission.Refused.of(message, data);
  }

  @Override
  public void onConnect(Socket socket) {
    ChatSession session = socket.state();
    metrics.connections.increment();
    presence.add(socket, session.userId());
    scheduleExpiry(socket, session);
    openInbox(socket, session, 0);
  }

  /**
   * A token that expires while connected ends the connection at its exp: at once when it was
   * accepted inside the clock skew, else by {@link #expireTokens}.
   */
  private void scheduleExpiry(Socket socket, ChatSession session) {
    Long exp = session.identity.expiresAt();
    if (exp != null && exp * 1000 <= clock.millis()) {
      expire(socket, session);
    }
  }

  private void expire(Socket socket, ChatSession session) {
    if (session.expired) {
      return;
    }
    session.expired = true;
    socket.emitJson(Events.AUTH_EXPIRED, "{\"code\":\"TOKEN_EXPIRED\"}");
    socket.disconnect(true);
  }

  /**
   * Ends the connections whose token has expired (run every {@link #EXPIRY_SWEEP_MILLIS}: one
   * sweep for every socket rather than a timer each).
   */
  public void expireTokens() {
    long now = clock.millis();
    for (Socket socket : presence.sockets()) {
      ChatSession session = socket.state();
      Long exp = session.identity.expiresAt();
      if (exp != null && exp * 1000 <= now) {
        expire(socket, session);
      }
    }
  }

  /** How often expired tokens are looked for: how late after its exp a connection may end. */
  public static final long EXPIRY_SWEEP_MILLIS = 250;

  /** Writes the socket's backlog page by page; then it takes live messages. */
  private void openInbox(Socket socket, ChatSession session, long cursor) {
    // the callback is attached before the operation is queued, so it runs on the writer thread
    CompletableFuture<StoreOp.Backlog> backlog = new CompletableFuture<>();
    backlog.whenComplete(
        (page, error) -> {
          if (error != null) {
            log.warn("backlog of {} failed: {}", session.userId(), error.getMessage());
            socket.disconnect(true); // the client reconnects (and recovers) rather than miss messages
            return;
          }
          List<StoredMessage> newlyDelivered =
              page.messages().stream().filter(m -> page.newlyDelivered().contains(m.id())).toList();
          if (!socket.connected()) {
            undeliver(newlyDelivered); // only what this page marked: a replay also holds messages delivered before
            return;
          }
          for (StoredMessage m : page.messages()) {
            socket.emitJson(Events.MESSAGE_RECEIVE, Json.write(m.toMessage()), Json.write(m.offset()));
          }
          metrics.replayed.increment(page.messages().size());
          // receipts for what became delivered now, at the time this page marked it
          Map<String, List<String>> bySender = new LinkedHashMap<>();
          for (StoredMessage m : newlyDelivered) {
            bySender.computeIfAbsent(m.senderId(), k -> new ArrayList<>()).add(m.id());
          }
          Instant now = newlyDelivered.isEmpty() ? null : newlyDelivered.get(0).deliveredAt();
          bySender.forEach((sender, ids) -> delivered(sender, session.userId(), ids, now));
          if (page.more()) {
            writer.afterThisBatch(() -> openInbox(socket, session, page.cursor()));
          } else {
            session.ready = true;
          }
        });
    writer.submit(new StoreOp.OpenInbox(session.userId(), session.replayAfter, cursor, backlog));
  }

  @Override
  public void onDisconnect(Socket socket, String reason) {
    ChatSession session = socket.state();
    session.ready = false;
    presence.remove(socket, session.userId());
    metrics.disconnections.increment();
    writer.submit(new StoreOp.Touch(List.of(session.pid), false, new CompletableFuture<>()));
  }

  // ------------------------------------------------------------------ events

  @Override
  public void onEvent(Socket socket, String event, List<JsonNode> args, Ack ack) {
    ChatSession session = socket.state();
    switch (ClientEvents.parse(event, args, maxMessageLength)) {
      case ClientEvents.Unknown unknown -> log.debug("ignored event {}", unknown.event());
      case ClientEvents.Invalid invalid -> refuse(socket, session, invalid.event(), ack, invalid.refusal(), invalid.clientMessageId());
      case ClientEvents.Valid valid -> {
        switch (valid.event()) {
          case ClientEvent.SendMessage send -> send(socket, session, send, ack);
          case ClientEvent.StatusRequest status -> status(socket, session, ack);
          case ClientEvent.ListUsers list -> listUsers(socket, session, list, ack);
          case ClientEvent.ReadMessages read -> read(socket, session, read, ack);
          case ClientEvent.History history -> history(socket, session, history, ack);
          case ClientEvent.ListConversations conversations -> conversations(socket, session, ack);
        }
      }
    }
  }

  private void refuse(Socket socket, ChatSession session, String event, Ack ack, Refusal refusal, String clientMessageId) {
    session.replies.add(
        () -> CompletableFuture.completedFuture(null),
        false,
        (ignored, error) -> {
          if (event.equals(Events.MESSAGE_SEND)) {
            sendFailed(socket, ack, refusal, clientMessageId);
          } else {
            requestFailed(socket, ack, refusal);
          }
        });
  }

  /** message:send refused: message:error always, and the ack when asked. */
  private void sendFailed(Socket socket, Ack ack, Refusal refusal, String clientMessageId) {
    metrics.error(refusal.code());
    socket.emit(Events.MESSAGE_ERROR, new MessageError(refusal.message(), refusal.code().name(), clientMessageId));
    if (ack != null) {
      ack.send(new Answers.Failure(refusal));
    }
  }

  /** Other requests refused: by ack, else message:error with no clientMessageId. */
  private void requestFailed(Socket socket, Ack ack, Refusal refusal) {
    metrics.error(refusal.code());
    if (ack != null) {
      ack.send(new Answers.Failure(refusal));
    } else {
      socket.emit(Events.MESSAGE_ERROR, new MessageError(refusal.message(), refusal.code().name(), null));
    }
  }

  /** Answers by ack when asked, else by the event of the request's name. */
  private static void answer(Socket socket, Ack ack, String event, Object answer) {
    if (ack != null) {
      ack.send(answer);
    } else {
      socket.emit(event, answer);
    }
  }

  private void send(Socket socket, ChatSession session, ClientEvent.SendMessage message, Ack ack) {
    long start = System.nanoTime();
    session.replies.add(
        () -> {
          // recipients get the message in store order, as soon as it is stored: on the writer
          // thread, where the callback runs because it is attached before the send is queued
          CompletableFuture<SendOutcome> stored = new CompletableFuture<>();
          CompletableFuture<Sent> sent = stored.thenApply(
              outcome -> {
                if (!(outcome instanceof SendOutcome.Stored s)) {
                  return new Sent(outcome, null, null);
                }
                String json = Json.write(s.message().toMessage()); // once, for every socket
                return new Sent(outcome, json, s.created() ? deliver(s.message(), json) : null);
              });
          writer.submit(new StoreOp.Send(session.userId(), message, stored));
          return sent;
        },
        false,
        (sent, error) -> {
          metrics.storeLatency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
          switch (sent == null ? null : sent.outcome()) {
            case null -> {
              if (error instanceof StoreWriter.Stopped) {
                log.debug("not stored, the server is stopping: a message of {}", session.userId());
              } else {
                log.warn("storing a message of {} failed: {}", session.userId(), error == null ? "?" : error.getMessage());
              }
              sendFailed(socket, ack, new Refusal(ErrorCode.INTERNAL, "The message could not be stored"), message.clientMessageId());
            }
            case SendOutcome.RecipientNotFound nf ->
                sendFailed(socket, ack, new Refusal(ErrorCode.RECIPIENT_NOT_FOUND, "Recipient not found"), message.clientMessageId());
            case SendOutcome.Stored s -> {
              (s.created() ? metrics.stored : metrics.duplicates).increment();
              String json = sent.json();
              socket.emitJson(Events.MESSAGE_SENT, json);
              if (ack != null) {
                ack.sendJson("{\"ok\":true,\"message\":" + json + "}");
              }
              if (sent.deliveredAt() != null) { // after message:sent, which tells the sender the id
                delivered(s.message().senderId(), s.message().recipientId(), List.of(s.message().id()), sent.deliveredAt());
              }
            }
          }
        });
  }

  /** A send's outcome, the stored message as JSON, and when it was delivered live (null: not yet). */
  private record Sent(SendOutcome outcome, String json, Instant deliveredAt) {}

  /**
   * Writes a newly stored message to the recipient's live sockets (on the writer thread); returns
   * when it was delivered, or null when no socket took it.
   */
  private Instant deliver(StoredMessage message, String json) {
    List<Socket> targets = presence.readySocketsOf(message.recipientId());
    if (!targets.isEmpty()) {
      PreparedMessage packet = PreparedMessage.of(SocketCodec.eventText(MAIN, Events.MESSAGE_RECEIVE, json, Json.write(message.offset())));
      for (Socket target : targets) {
        target.sendPrepared(packet);
      }
    }
    boolean stamped = message.deliveredAt() != null;
    if (!targets.isEmpty() && stamped) {
      return message.deliveredAt();
    } else if (!targets.isEmpty()) {
      // a socket became ready after the store decided: record the delivery now
      writer.submit(new StoreOp.Deliveries(List.of(message.id()), List.of(), new CompletableFuture<>()));
      return Instant.ofEpochMilli(clock.millis());
    } else if (stamped) {
      undeliver(List.of(message)); // its sockets all went away: the next connect gets it
    }
    return null;
  }

  private void undeliver(List<StoredMessage> messages) {
    List<String> ids = new ArrayList<>();
    for (StoredMessage m : messages) {
      if (m.deliveredAt() != null && m.readAt() == null) {
        ids.add(m.id());
      }
    }
    if (!ids.isEmpty()) {
      writer.submit(new StoreOp.Deliveries(List.of(), ids, new CompletableFuture<>()));
    }
  }

  /** message:delivered to every socket of the sender. */
  private void delivered(String senderId, String recipientId, List<String> ids, Instant at) {
    List<Socket> sockets = presence.socketsOf(senderId);
    if (sockets.isEmpty()) {
      return;
    }
    PreparedMessage packet =
        PreparedMessage.of(SocketCodec.eventText(MAIN, Events.MESSAGE_DELIVERED, Json.write(new Receipts.Delivered(ids, recipientId, StoredMessage.iso(at)))));
    for (Socket s : sockets) {
      s.sendPrepared(packet);
    }
  }

  private void status(Socket socket, ChatSession session, Ack ack) {
    session.replies.add(
        () -> CompletableFuture.completedFuture(presence.onlineUserIds()),
        false,
        (ids, error) -> {
          String json = Json.write(ids);
          socket.emitJson(Events.USERS_ONLINE, json);
          if (ack != null) {
            ack.sendJson(json);
          }
        });
  }

  private void listUsers(Socket socket, ChatSession session, ClientEvent.ListUsers request, Ack ack) {
    session.replies.add(
        () -> CompletableFuture.supplyAsync(() -> directory(request.query(), request.limit()), readers),
        true,
        (users, error) -> {
          if (error != null) {
            log.warn("users:list failed: {}", error.getMessage());
            requestFailed(socket, ack, new Refusal(ErrorCode.INTERNAL, "Internal error"));
          } else {
            answer(socket, ack, Events.USERS_LIST, new Answers.Users(true, users));
          }
        });
  }

  /** users:list: matches online here first (by id), then the rest of the directory (by id). */
  List<DirectoryEntry> directory(String query, int limit) {
    String q = query == null ? null : query.toLowerCase();
    List<String> online = new ArrayList<>();
    for (String id : presence.onlineUserIds()) {
      online.add(id);
    }
    Map<String, UserRecord> onlineUsers = online.isEmpty() ? Map.of() : UserStore.find(database.dsl(), online);
    List<DirectoryEntry> entries = new ArrayList<>();
    onlineUsers.values().stream()
        .filter(u -> q == null || u.id().toLowerCase().contains(q) || (u.name() != null && u.name().toLowerCase().contains(q)))
        .sorted(Comparator.comparing(UserRecord::id))
        .limit(limit)
        .forEach(u -> entries.add(new DirectoryEntry(u.id(), u.name(), u.image(), true)));
    if (entries.size() < limit) {
      for (UserRecord u : UserStore.search(database.dsl(), query, onlineUsers.keySet(), limit - entries.size())) {
        entries.add(new DirectoryEntry(u.id(), u.name(), u.image(), presence.isOnline(u.id())));
      }
    }
    return entries;
  }

  private void read(Socket socket, ChatSession session, ClientEvent.ReadMessages request, Ack ack) {
    session.replies.add(
        () -> {
          CompletableFuture<List<MessageStore.ReadMark>> marked = new CompletableFuture<>();
          CompletableFuture<List<String>> receipted = marked.thenApply(
              marks -> {
                Map<String, List<String>> bySender = new LinkedHashMap<>();
                for (MessageStore.ReadMark m : marks) {
                  bySender.computeIfAbsent(m.senderId(), k -> new ArrayList<>()).add(m.id());
                }
                String readAt = StoredMessage.iso(Instant.ofEpochMilli(clock.millis()));
                bySender.forEach(
                    (sender, ids) -> {
                      PreparedMessage packet =
                          PreparedMessage.of(SocketCodec.eventText(MAIN, Events.MESSAGE_READ, Json.write(new Receipts.Read(ids, session.userId(), readAt))));
                      for (Socket s : presence.socketsOf(sender)) {
                        s.sendPrepared(packet);
                      }
                    });
                return marks.stream().map(MessageStore.ReadMark::id).toList();
              });
          writer.submit(new StoreOp.Read(session.userId(), request.messageIds(), marked));
          return receipted;
        },
        false,
        (ids, error) -> {
          if (error != null) {
            log.warn("message:read failed: {}", error.getMessage());
            requestFailed(socket, ack, new Refusal(ErrorCode.INTERNAL, "Internal error"));
          } else if (ack != null) {
            ack.send(new Answers.ReadIds(true, ids));
          }
        });
  }

  private void history(Socket socket, ChatSession session, ClientEvent.History request, Ack ack) {
    session.replies.add(
        () -> CompletableFuture.supplyAsync(
            () -> MessageStore.history(database.dsl(), session.userId(), request.withUserId(), request.before(), request.limit()),
            readers),
        true,
        (page, error) -> {
          if (error != null) {
            log.warn("message:history failed: {}", error.getMessage());
            requestFailed(socket, ack, new Refusal(ErrorCode.INTERNAL, "Internal error"));
          } else if (page == null) {
            requestFailed(socket, ack, Refusal.invalid("before is not a message of this conversation"));
          } else {
            answer(socket, ack, Events.MESSAGE_HISTORY,
                new Answers.History(true, request.withUserId(), page.messages().stream().map(StoredMessage::toView).toList(), page.hasMore()));
          }
        });
  }

  private void conversations(Socket socket, ChatSession session, Ack ack) {
    session.replies.add(
        () -> CompletableFuture.supplyAsync(() -> MessageStore.conversations(database.dsl(), session.userId()), readers),
        true,
        (list, error) -> {
          if (error != null) {
            log.warn("conversation:list failed: {}", error.getMessage());
            requestFailed(socket, ack, new Refusal(ErrorCode.INTERNAL, "Internal error"));
          } else {
            answer(socket, ack, Events.CONVERSATION_LIST,
                new Answers.Conversations(true, list.stream()
                    .map(c -> new Answers.Conversation(c.userId(), c.lastMessage().toView(), c.unreadCount()))
                    .toList()));
          }
        });
  }

  // ------------------------------------------------------------------ housekeeping

  /** Marks every connected socket's recovery session seen now, and deletes expired ones. */
  public void refreshSessions() {
    List<String> pids = new ArrayList<>();
    for (Socket s : presence.sockets()) {
      pids.add(((ChatSession) s.state()).pid);
    }
    writer.submit(new StoreOp.Touch(pids, true, new CompletableFuture<>()));
  }

  public int onlineUsers() {
    return presence.userCount();
  }

  public int connectedSockets() {
    return presence.socketCount();
  }

  /** Counters and gauges of /metrics. */
  private static final class Metrics {
    final MeterRegistry registry;
    final Counter connections;
    final Counter disconnections;
    final Counter stored;
    final Counter duplicates;
    final Counter replayed;
    final Counter recovered;
    final io.micrometer.core.instrument.Timer storeLatency;
    final Map<ErrorCode, Counter> errors = new ConcurrentHashMap<>();
    final Map<ErrorCode, Counter> authFailures = new ConcurrentHashMap<>();

    Metrics(MeterRegistry registry, Presence presence) {
      this.registry = registry;
      registry.gauge("chatctl.sockets.connected", presence, Presence::socketCount);
      registry.gauge("chatctl.users.online", presence, Presence::userCount);
      connections = Counter.builder("chatctl.connections").description("Sockets connected (authenticated)").register(registry);
      disconnections = Counter.builder("chatctl.disconnections").description("Sockets disconnected").register(registry);
      stored = Counter.builder("chatctl.messages.stored").description("Messages stored").register(registry);
      duplicates = Counter.builder("chatctl.messages.duplicate").description("Retries answered with a message already stored").register(registry);
      replayed = Counter.builder("chatctl.messages.replayed").description("Messages written from a backlog (offline delivery, recovery)").register(registry);
      recovered = Counter.builder("chatctl.sessions.recovered").description("Connects that recovered their session").register(registry);
      storeLatency = io.micrometer.core.instrument.Timer.builder("chatctl.message.store.latency")
          .description("message:send from arrival to its answer (stored or refused)")
          .publishPercentiles(0.5, 0.99)
          .register(registry);
    }

    void error(ErrorCode code) {
      errors.computeIfAbsent(code, c -> Counter.builder("chatctl.errors").description("Requests refused, by code").tag("code", c.name()).register(registry)).increment();
    }

    void authFailure(ErrorCode code) {
      authFailures.computeIfAbsent(code, c -> Counter.builder("chatctl.auth.failures").description("Connects refused, by code").tag("code", c.name()).register(registry)).increment();
    }
  }

  static <T> T requireNonNull(T t) {
    return Objects.requireNonNull(t);
  }
}
