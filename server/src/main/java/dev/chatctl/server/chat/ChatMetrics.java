package dev.chatctl.server.chat;

import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.server.socketio.Adapter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The chat's counters and gauges on /metrics. */
final class ChatMetrics {
  private final MeterRegistry registry;
  final Counter connections;
  final Counter disconnections;
  final Counter stored;
  final Counter duplicates;
  final Counter replayed;
  final Counter recovered;
  final Timer storeLatency;
  private final Map<ErrorCode, Counter> errors = new ConcurrentHashMap<>();
  private final Map<ErrorCode, Counter> authFailures = new ConcurrentHashMap<>();

  ChatMetrics(MeterRegistry registry, Adapter sockets) {
    this.registry = registry;
    registry.gauge("chatctl.sockets.connected", sockets, Adapter::socketCount);
    registry.gauge("chatctl.users.online", sockets, Adapter::userCount);
    connections =
        Counter.builder("chatctl.connections")
            .description("Sockets connected (authenticated)")
            .register(registry);
    disconnections =
        Counter.builder("chatctl.disconnections")
            .description("Sockets disconnected")
            .register(registry);
    stored =
        Counter.builder("chatctl.messages.stored")
            .description("Messages stored")
            .register(registry);
    duplicates =
        Counter.builder("chatctl.messages.duplicate")
            .description("Retries answered with a message already stored")
            .register(registry);
    replayed =
        Counter.builder("chatctl.messages.replayed")
            .description("Messages written from a backlog (offline delivery, recovery)")
            .register(registry);
    recovered =
        Counter.builder("chatctl.sessions.recovered")
            .description("Connects that recovered their session")
            .register(registry);
    storeLatency =
        Timer.builder("chatctl.message.store.latency")
            .description("message:send from arrival to its answer (stored or refused)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  void error(ErrorCode code) {
    errors
        .computeIfAbsent(
            code,
            c ->
                Counter.builder("chatctl.errors")
                    .description("Requests refused, by code")
                    .tag("code", c.name())
                    .register(registry))
        .increment();
  }

  void authFailure(ErrorCode code) {
    authFailures
        .computeIfAbsent(
            code,
            c ->
                Counter.builder("chatctl.auth.failures")
                    .description("Connects refused, by code")
                    .tag("code", c.name())
                    .register(registry))
        .increment();
  }
}
