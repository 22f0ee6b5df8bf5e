package dev.chatctl.server.engineio;

import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An Engine.IO endpoint on a free port with no Socket.IO above it: every session it opens is handed
 * to the test, with what its client sent and why it closed.
 */
final class EngineTestServer implements AutoCloseable {

  /** A session and what its handler saw. */
  static final class Opened implements EngineSession.Handler {
    final EngineSession session;
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    Opened(EngineSession session) {
      this.session = session;
    }

    @Override
    public void onMessage(String text) {
      messages.add(text);
    }

    @Override
    public void onMessage(byte[] binary) {
      messages.add("binary:" + binary.length);
    }

    @Override
    public void onClose(String reason) {
      closed.complete(reason);
    }

    String reason() throws Exception {
      return closed.get(5, TimeUnit.SECONDS);
    }
  }

  private final Undertow undertow;
  private final EngineIoServer engine;
  private final BlockingQueue<Opened> sessions = new LinkedBlockingQueue<>();
  final int port;

  EngineTestServer(EngineOptions options) {
    engine =
        new EngineIoServer(
            options,
            session -> {
              Opened opened = new Opened(session);
              sessions.add(opened);
              return opened;
            });
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(Handlers.path().addPrefixPath("/socket.io/", engine))
            .build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** The next session opened. */
  Opened next() throws InterruptedException {
    Opened opened = sessions.poll(5, TimeUnit.SECONDS);
    if (opened == null) {
      throw new AssertionError("no session opened");
    }
    return opened;
  }

  int sessionCount() {
    return engine.sessionCount();
  }

  @Override
  public void close() {
    engine.closeAll();
    undertow.stop();
  }
}
