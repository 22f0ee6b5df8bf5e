package dev.chatctl.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.server.auth.AuthResult;
import dev.chatctl.server.auth.Identity;
import dev.chatctl.server.auth.RefusedConnects;
import dev.chatctl.server.auth.TokenSources;
import dev.chatctl.server.auth.TokenVerifier;
import dev.chatctl.server.config.ChatLimits;
import dev.chatctl.server.http.HandshakeRequest;
import dev.chatctl.server.socketio.Admission;
import dev.chatctl.server.store.Profile;
import dev.chatctl.server.store.StoreOp;
import dev.chatctl.server.store.StoreWriter;
import dev.chatctl.util.Throwables;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a CONNECT: the token (PROTOCOL.md "Authentication"), the user's directory entry, and the
 * recovery session ({@code pid} and {@code offset} of the auth payload) resumed or started.
 */
final class Admissions {
  private static final Logger log = LoggerFactory.getLogger(Admissions.class);
  private static final Pattern OFFSET = Pattern.compile("^\\d{1,18}$");

  /** Beyond this many known users, the cache of unchanged profiles starts over. */
  private static final int KNOWN_USERS_LIMIT = 200_000;

  private final TokenVerifier verifier;
  private final StoreWriter writer;
  private final ChatMetrics metrics;
  private final ChatLimits limits;
  private final Deadlines deadlines;
  private final Map<String, Identity> knownUsers = new ConcurrentHashMap<>();

  /** Refused connects as a summary line at INFO, at most one a minute. */
  private final RefusedConnects refusedConnects = new RefusedConnects(log, Duration.ofMinutes(1));

  Admissions(
      TokenVerifier verifier,
      StoreWriter writer,
      ChatMetrics metrics,
      ChatLimits limits,
      Deadlines deadlines) {
    this.verifier = verifier;
    this.writer = writer;
    this.metrics = metrics;
    this.limits = limits;
    this.deadlines = deadlines;
  }

  CompletableFuture<Admission> admit(HandshakeRequest request, JsonNode auth) {
    AuthResult result = verifier.verify(TokenSources.find(request, auth));
    if (result instanceof AuthResult.Refused refused) {
      metrics.authFailure(refused.code());
      log.debug(
          "refused a connect from {}: {} ({})",
          request.remoteAddress(),
          refused.code(),
          refused.reason());
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
    Profile profile =
        new Profile(identity.userId(), identity.name(), identity.email(), identity.picture());
    CompletableFuture<StoreOp.Admitted> admitted =
        writer.submit(new StoreOp.Admit(profile, upsert, pid, offset, new CompletableFuture<>()));
    return admitted.handle(
        (a, error) -> {
          Throwable cause = Throwables.unwrap(error);
          if (cause instanceof StoreWriter.Stopped || cause instanceof StoreWriter.Unavailable) {
            // stopping, or no database: the client reconnects (to the next server, or later)
            return new Admission.Dropped();
          }
          if (error != null) {
            log.warn("connect of {} failed: {}", identity.userId(), error.getMessage());
            return refusal("Internal error", ErrorCode.INTERNAL);
          }
          remember(identity);
          if (a.recovered()) {
            metrics.recovered.increment();
          }
          Replies replies = new Replies(deadlines, limits.maxInFlight());
          return new Admission.Accepted(
              new ChatSession(identity, a.pid(), a.recovered(), a.replayAfter(), a.user(), replies),
              Map.of("pid", a.pid()));
        });
  }

  private void remember(Identity identity) {
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
}
