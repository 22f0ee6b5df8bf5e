package dev.chatctl.server.engineio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xnio.XnioIoThread;

/**
 * Gathers the WebSocket flushes that a run of sends causes on a thread that is not an I/O thread (a
 * broadcast, the store's answers to a batch): one task per I/O thread instead of one per
 * connection, and the frames a connection got meanwhile written together. Order per connection is
 * unchanged; only the writing waits for the end of the run (or for a chunk of connections).
 */
final class FlushBatch {

  /** The batch open on this thread, if any. */
  private static final ThreadLocal<FlushBatch> CURRENT = new ThreadLocal<>();

  /** Most connections one flush task takes: a long broadcast starts writing before it ends. */
  private static final int CHUNK = 256;

  private final Map<XnioIoThread, List<WsConnection>> byThread = new HashMap<>(4);

  private FlushBatch() {}

  /** Runs {@code sends} with the flushes it causes gathered (nested runs join the outer one). */
  static void run(Runnable sends) {
    if (CURRENT.get() != null) {
      sends.run();
      return;
    }
    FlushBatch batch = new FlushBatch();
    CURRENT.set(batch);
    try {
      sends.run();
    } finally {
      CURRENT.remove();
      batch.byThread.forEach(FlushBatch::submit);
    }
  }

  /** Defers a flush of {@code connection} to the end of this thread's batch; false when none. */
  static boolean defer(XnioIoThread io, WsConnection connection) {
    FlushBatch batch = CURRENT.get();
    if (batch == null) {
      return false;
    }
    List<WsConnection> list = batch.byThread.computeIfAbsent(io, k -> new ArrayList<>());
    list.add(connection);
    if (list.size() >= CHUNK) {
      batch.byThread.remove(io);
      submit(io, list);
    }
    return true;
  }

  private static void submit(XnioIoThread io, List<WsConnection> list) {
    io.execute(
        () -> {
          for (WsConnection connection : list) {
            connection.flush();
          }
        });
  }
}
