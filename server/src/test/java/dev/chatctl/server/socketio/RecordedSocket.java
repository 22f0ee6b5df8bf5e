package dev.chatctl.server.socketio;

import static org.junit.jupiter.api.Assertions.fail;

import dev.chatctl.protocol.socketio.SocketPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link Socket} of namespace "/" whose packets are recorded instead of sent (as the Socket.IO
 * text the client would get), for tests of what the server emits to whom.
 */
public final class RecordedSocket {
  public final Socket socket;
  private final List<String> packets = new ArrayList<>();
  private final List<Object> shared = new ArrayList<>();
  private volatile boolean disconnected;
  private volatile boolean readingPaused;

  public RecordedSocket(String id, Object state) {
    socket =
        new Socket(
            id,
            SocketPacket.MAIN_NAMESPACE,
            state,
            new Socket.Output() {
              @Override
              public void send(String text, List<byte[]> attachments) {
                record(text, null);
              }

              @Override
              public void send(SharedPacket packet) {
                record(packet.text(), packet);
              }

              @Override
              public void disconnect(Socket s, boolean closeConnection) {
                disconnected = true;
                s.markDisconnected();
              }

              @Override
              public void pauseReading(boolean paused) {
                readingPaused = paused;
              }
            });
  }

  private synchronized void record(String text, SharedPacket packet) {
    packets.add(text);
    if (packet != null) {
      shared.add(packet);
    }
    notifyAll();
  }

  /**
   * The packets written so far, in order, as Socket.IO text (e.g. {@code 2["user:online",{...}]}).
   */
  public synchronized List<String> packets() {
    return List.copyOf(packets);
  }

  /** The packets of one event, in order. */
  public synchronized List<String> events(String event) {
    String prefix = "2[\"" + event + "\"";
    return packets.stream().filter(p -> p.startsWith(prefix)).toList();
  }

  /** The shared (broadcast) packets written, as objects: the same object twice is one encoding. */
  public synchronized List<Object> shared() {
    return List.copyOf(shared);
  }

  public boolean disconnected() {
    return disconnected;
  }

  /** Whether the application asked to stop reading this socket. */
  public boolean readingPaused() {
    return readingPaused;
  }

  /** The socket as gone (what the Socket.IO layer does before the application's onDisconnect). */
  public void markGone() {
    socket.markDisconnected();
  }

  /** Waits (up to 10 s) until the recorded packets pass {@code test}; fails with them otherwise. */
  public synchronized List<String> await(Predicate<List<String>> test) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!test.test(packets)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        fail("waited in vain; packets of " + socket.id() + ": " + packets);
      }
      wait(left);
    }
    return List.copyOf(packets);
  }

  /** Waits until {@code count} packets of {@code event} arrived; returns them. */
  public List<String> awaitEvents(String event, int count) throws InterruptedException {
    String prefix = "2[\"" + event + "\"";
    await(ps -> ps.stream().filter(p -> p.startsWith(prefix)).count() >= count);
    return events(event);
  }
}
