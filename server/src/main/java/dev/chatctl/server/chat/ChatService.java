package dev.chatctl.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.chat.ClientEvent;
import dev.chatctl.protocol.chat.ClientEvents;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.server.auth.TokenVerifier;
import dev.chatctl.server.config.ChatLimits;
import dev.chatctl.server.http.HandshakeRequest;
import dev.chatctl.server.socketio.Ack;
import dev.chatctl.server.socketio.Adapter;
import dev.chatctl.server.socketio.Admission;
import dev.chatctl.server.socketio.NamespaceHandler;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.LiveInboxes;
import dev.chatctl.server.store.StoreOp;
import dev.chatctl.server.store.StoreWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat application on namespace "/" (PROTOCOL.md): a socket's life (admitted, connected, gone)
 * and the dispatch of its events to {@link Delivery} (messages, receipts) and {@link Requests}
 * (reads); {@link Presence} keeps who is online, and everything reaches sockets through the {@link
 * Adapter}.
 *
 * <p>Threads: events arrive on the connection's serial executor and are only parsed there; storage
 * runs on the {@link StoreWriter}'s thread, reads on the {@code readers} pool. Messages are written
 * to recipients on the writer thread in store order; each socket's own answers go through its
 * {@link Replies}, in the order its events arrived.
 */
public final class ChatService implements NamespaceHandler {
  private static final Logger log = LoggerFactory.getLogger(ChatService.class);

  /** How often expired tokens are looked for: how late after its exp a connection may end. */
  public static final long EXPIRY_SWEEP_MILLIS = 250;

  /** The parts the chat runs on, built by the server. */
  public record Parts(
      TokenVerifier verifier,
      StoreWriter writer,
      LiveInboxes live,
      Database database,
      Adapter sockets,
      ExecutorService readers) {}

  /** How often the rate limiter forgets the users who stopped sending. */
  public static final long RATE_SWEEP_MILLIS = 10_000;

  /** How often waits past STORE_TIMEOUT are answered: a timeout fires up to this much late. */
  public static final long DEADLINE_SWEEP_MILLIS = 100;

  private final StoreWriter writer;
  private final Adapter sockets;
  private final Clock clock;
  private final int maxMessageLength;
  private final ChatMetrics metrics;
  private final SendRate sendRate;

  /** Requests a socket may have unanswered; beyond it they are refused at once. */
  private final int refuseAt;

  private final Presence presence;
  private final Deadlines deadlines;
  private final Admissions admissions;
  private final Responses responses;
  private final Delivery delivery;
  private final Requests requests;

  public ChatService(
      Parts parts, Clock clock, int maxMessageLength, ChatLimits limits, MeterRegistry registry) {
    this.writer = parts.writer();
    this.sockets = parts.sockets();
    this.clock = clock;
    this.maxMessageLength = maxMessageLength;
    this.metrics = new ChatMetrics(registry, sockets);
    this.sendRate = new SendRate(limits.messageRate(), limits.messageBurst());
    this.refuseAt = 16 * limits.maxInFlight();
    this.presence = new Presence(sockets);
    this.deadlines = new Deadlines(limits.storeTimeout());
    this.admissions = new Admissions(parts.verifier(), writer, metrics, limits, deadlines);
    this.responses = new Responses(metrics);
    this.delivery = new Delivery(writer, sockets, parts.live(), clock, metrics, responses);
    this.requests = new Requests(parts.database(), presence, parts.readers(), responses);
  }

  @Override
  public CompletableFuture<Admission> admit(HandshakeRequest request, JsonNode auth) {
    return admissions.admit(request, auth);
  }

  @Override
  public void onConnect(Socket socket) {
    ChatSession session = socket.state();
    metrics.connections.increment();
    session.replies.onBackpressure(socket::pauseReading);
    presence.add(socket, session.userId());
    // a token accepted inside the clock skew but expired already ends the connection at once
    expireIfDue(socket, clock.millis());
    delivery.openInbox(socket, session, 0);
  }

  @Override
  public void onDisconnect(Socket socket, String reason) {
    ChatSession session = socket.state();
    delivery.closeInbox(session);
    presence.remove(socket, session.userId());
    metrics.disconnections.increment();
    writer.submit(new StoreOp.Touch(List.of(session.pid), false, new CompletableFuture<>()));
  }

  /**
   * Dispatches an event. Bounds first: a socket with sixteen times {@code maxInFlight} requests
   * unanswered (reading it pauses at one time: only a polling client gets here) is refused at once,
   * and a send over the user's rate is refused in its turn; both RATE_LIMITED.
   */
  @Override
  public void onEvent(Socket socket, String event, List<JsonNode> args, Ack ack) {
    ChatSession session = socket.state();
    ClientEvents.Parsed parsed = ClientEvents.parse(event, args, maxMessageLength);
    if (!(parsed instanceof ClientEvents.Unknown) && session.replies.outstanding() >= refuseAt) {
      String clientMessageId = null;
      if (parsed instanceof ClientEvents.Valid v
          && v.event() instanceof ClientEvent.SendMessage send) {
        clientMessageId = send.clientMessageId();
      } else if (parsed instanceof ClientEvents.Invalid invalid) {
        clientMessageId = invalid.clientMessageId();
      }
      responses.refuseNow(socket, event, ack, Responses.TOO_MANY_IN_FLIGHT, clientMessageId);
      return;
    }
    switch (parsed) {
      case ClientEvents.Unknown unknown -> log.debug("ignored event {}", unknown.event());
      case ClientEvents.Invalid invalid ->
          responses.refuse(
              socket, session, invalid.event(), ack, invalid.refusal(), invalid.clientMessageId());
      case ClientEvents.Valid valid -> {
        switch (valid.event()) {
          case ClientEvent.SendMessage send -> {
            if (sendRate.allow(session.userId())) {
              delivery.send(socket, session, send, ack);
            } else {
              responses.refuse(
                  socket, session, event, ack, Responses.RATE_LIMITED, send.clientMessageId());
            }
          }
          case ClientEvent.ReadMessages read -> delivery.read(socket, session, read, ack);
          case ClientEvent.StatusRequest status -> requests.status(socket, session, ack);
          case ClientEvent.ListUsers list -> requests.listUsers(socket, session, list, ack);
          case ClientEvent.History history -> requests.history(socket, session, history, ack);
          case ClientEvent.ListConversations conversations ->
              requests.conversations(socket, session, ack);
        }
      }
    }
  }

  /**
   * Ends the connections whose token has expired (run every {@link #EXPIRY_SWEEP_MILLIS}: one sweep
   * for every socket rather than a timer each).
   */
  public void expireTokens() {
    long now = clock.millis();
    for (Socket socket : sockets.sockets()) {
      expireIfDue(socket, now);
    }
  }

  private void expireIfDue(Socket socket, long nowMillis) {
    ChatSession session = socket.state();
    Long exp = session.identity.expiresAt();
    if (exp == null || exp * 1000 > nowMillis || session.expired) {
      return;
    }
    session.expired = true;
    socket.emitJson(Events.AUTH_EXPIRED, "{\"code\":\"TOKEN_EXPIRED\"}");
    socket.disconnect(true);
  }

  /** Marks every connected socket's recovery session seen now, and deletes expired ones. */
  public void refreshSessions() {
    List<String> pids = new ArrayList<>();
    for (Socket s : sockets.sockets()) {
      pids.add(((ChatSession) s.state()).pid);
    }
    writer.submit(new StoreOp.Touch(pids, true, new CompletableFuture<>()));
  }

  /**
   * Answers the requests that waited past STORE_TIMEOUT (run every {@link #DEADLINE_SWEEP_MILLIS}).
   */
  public void sweepDeadlines() {
    deadlines.sweep();
  }

  /**
   * Forgets the rate limits of users who stopped sending (run every {@link #RATE_SWEEP_MILLIS}).
   */
  public void sweepRates() {
    sendRate.sweep();
  }

  public int connectedSockets() {
    return sockets.socketCount();
  }

  /**
   * The server is stopping: every socket is read without pausing, so that the requests already on
   * the wire are answered (stored while the store takes them, then refused) before it closes.
   */
  public void drain() {
    for (Socket socket : sockets.sockets()) {
      ((ChatSession) socket.state()).replies.release();
    }
  }

  /** Stops announcing presence (the server is stopping). */
  public void stop() {
    presence.stop();
  }
}
