package dev.chatctl.server.engineio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * One server-side WebSocket (RFC 6455) on a connection that Undertow upgraded: its write queue and
 * the close handshake; the frames it receives are read by a {@link WsFrameReader}. Undertow's own
 * WebSocketChannel costs several kilobytes and a task per frame sent; a chat server holds tens of
 * thousands of mostly idle sockets and sends one presence change to all of them.
 *
 * <p>Reading happens on the connection's I/O thread, into a buffer shared by that thread; the
 * reader keeps only the bytes of an incomplete message. Writing may be called from any thread:
 * frames (byte arrays, shared between sockets for a broadcast) are queued, and the I/O thread
 * writes everything queued in as few system calls as it can. A socket whose queue grows past {@code
 * maxBufferedBytes} (a client that stopped reading) is dropped.
 */
public final class WsConnection {

  /** What the connection reports. Called on its I/O thread. */
  public interface Listener {
    void onText(WsConnection ws, String text);

    void onBinary(WsConnection ws, byte[] data);

    /** The connection is closed (either side). Called once. */
    void onClose(WsConnection ws);

    /** Takes no notice of anything (a socket that is being closed at once). */
    Listener IGNORE =
        new Listener() {
          @Override
          public void onText(WsConnection ws, String text) {}

          @Override
          public void onBinary(WsConnection ws, byte[] data) {}

          @Override
          public void onClose(WsConnection ws) {}
        };
  }

  private static final int IO_BUFFER = 64 * 1024;
  private static final long CLOSE_GRACE_MILLIS = 2_000;
  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(IO_BUFFER));
  private static final ThreadLocal<ByteBuffer> WRITE_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(IO_BUFFER));

  private final StreamConnection connection;
  private final ConduitStreamSourceChannel source;
  private final ConduitStreamSinkChannel sink;
  private final long maxBufferedBytes;
  private final Events events = new Events();
  private final WsFrameReader reader; // I/O thread only
  private volatile Listener listener;
  private volatile boolean readPaused;

  // write state: guarded by this
  private final WsWriteQueue out = new WsWriteQueue();
  private boolean flushScheduled;
  private boolean closeQueued;
  private boolean closed;
  private boolean overflowed;

  private WsConnection(StreamConnection connection, int maxMessage, long maxBufferedBytes) {
    this.connection = connection;
    this.source = connection.getSourceChannel();
    this.sink = connection.getSinkChannel();
    this.maxBufferedBytes = maxBufferedBytes;
    this.reader = new WsFrameReader(maxMessage, events);
  }

  /** Takes over an upgraded connection; frames flow once {@link #start} is called. */
  public static WsConnection over(
      StreamConnection connection, int maxMessage, long maxBufferedBytes) {
    try {
      connection.setOption(Options.TCP_NODELAY, true); // frames are small and latency matters
    } catch (IOException e) {
      // the option is a hint
    }
    return new WsConnection(connection, maxMessage, maxBufferedBytes);
  }

  /** Starts reading, reporting to {@code listener}. */
  public void start(Listener listener) {
    this.listener = listener;
    connection.setCloseListener(events);
    source.getReadSetter().set(events);
    sink.getWriteSetter().set(events);
    source.resumeReads();
  }

  /** Sends to another listener from now on (a probe becoming the transport). */
  public void listen(Listener listener) {
    this.listener = listener;
  }

  public XnioIoThread ioThread() {
    return connection.getIoThread();
  }

  /**
   * Runs {@code sends} with the flushes it causes gathered per I/O thread (see {@link FlushBatch}):
   * for a broadcast or the store's answers to a batch, from a thread that is not an I/O thread.
   */
  public static void batch(Runnable sends) {
    FlushBatch.run(sends);
  }

  // ------------------------------------------------------------------ events

  /** The connection's events, the flush task and the reader's sink, in one object. */
  private final class Events implements ChannelListener<Channel>, Runnable, WsFrameReader.Sink {
    @Override
    public void handleEvent(Channel channel) {
      if (channel == source) {
        onReadable();
      } else if (channel == sink) {
        sink.suspendWrites();
        flush();
      } else {
        onClosed();
      }
    }

    @Override
    public void run() {
      flush();
    }

    @Override
    public void onText(String text) {
      listener.onText(WsConnection.this, text);
    }

    @Override
    public void onBinary(byte[] data) {
      listener.onBinary(WsConnection.this, data);
    }

    @Override
    public void onPing(byte[] payload) {
      send(WsFrames.frame(WsFrames.PONG, payload));
    }

    @Override
    public void onClose(int code) {
      boolean answered;
      synchronized (WsConnection.this) {
        answered = closeQueued;
      }
      if (answered) {
        abort(); // our close was sent first: the handshake is complete
      } else {
        close(code == CloseCode.NO_STATUS.code ? CloseCode.NORMAL.code : code); // echoed
      }
    }
  }

  // ------------------------------------------------------------------ reading

  /**
   * Stops reading from the peer, or starts again: TCP backpressure for a peer whose requests the
   * application has too many of in flight. Any thread; a read in progress stops after its chunk.
   */
  public void pauseReading(boolean paused) {
    readPaused = paused;
    connection
        .getIoThread()
        .execute(
            () -> {
              if (readPaused) {
                source.suspendReads();
              } else {
                source.resumeReads();
              }
            });
  }

  private void onReadable() {
    ByteBuffer in = READ_BUFFER.get();
    try {
      while (true) {
        if (readPaused) {
          source.suspendReads(); // until pauseReading(false); the reader keeps an incomplete frame
          return;
        }
        in.clear();
        int n = source.read(in);
        if (n == -1) {
          abort();
          return;
        }
        if (n == 0) {
          return;
        }
        in.flip();
        reader.read(in); // ignores what comes after a close
      }
    } catch (WsProtocolException e) {
      close(e.code().code);
    } catch (IOException e) {
      abort();
    }
  }

  // ------------------------------------------------------------------ writing

  public void sendText(String text) {
    send(WsFrames.text(text));
  }

  public void sendBinary(byte[] data) {
    send(WsFrames.binary(data));
  }

  /** Queues a whole frame (see {@link WsFrames}); it may be shared with other connections. */
  public void send(byte[] frame) {
    boolean schedule;
    synchronized (this) {
      if (closeQueued || closed) {
        return;
      }
      schedule = enqueue(frame);
    }
    if (schedule) {
      scheduleFlush();
    }
  }

  /**
   * Closes with a close frame after what is queued; the connection ends when the peer answers, or
   * after a grace period.
   */
  public void close(CloseCode code) {
    close(code.code);
  }

  private void close(int code) {
    boolean schedule;
    synchronized (this) {
      if (closeQueued || closed) {
        return;
      }
      schedule = enqueue(WsFrames.close(code));
      closeQueued = true;
    }
    if (schedule) {
      scheduleFlush();
    }
    connection.getIoThread().executeAfter(this::abort, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Closes the connection now, dropping what is queued. */
  public void abort() {
    IoUtils.safeClose(connection);
  }

  /** Writes now on the I/O thread; from another thread, asks the I/O thread to. */
  private void scheduleFlush() {
    XnioIoThread io = connection.getIoThread();
    if (Thread.currentThread() == io) {
      flush();
    } else if (!FlushBatch.defer(io, this)) {
      io.execute(events);
    }
  }

  private boolean enqueue(byte[] frame) {
    if (out.add(frame) > maxBufferedBytes) {
      overflowed = true;
    }
    if (flushScheduled) {
      return false;
    }
    flushScheduled = true;
    return true;
  }

  /** Writes what is queued (I/O thread). */
  void flush() {
    ByteBuffer buffer = WRITE_BUFFER.get();
    try {
      while (true) {
        boolean closeWhenDone;
        synchronized (this) {
          if (closed) {
            out.clear();
            return;
          }
          if (overflowed) {
            out.clear();
            closeQueued = true;
            break; // dropped below, outside the monitor
          }
          out.fill(buffer);
          closeWhenDone = buffer.position() == 0 && closeQueued;
          if (buffer.position() == 0) {
            flushScheduled = false;
            if (!closeWhenDone) {
              return;
            }
          }
        }
        if (closeWhenDone) {
          sink.shutdownWrites(); // our close frame is out: the peer answers, or the grace ends
          sink.flush();
          return;
        }
        buffer.flip();
        long written = sink.write(buffer);
        synchronized (this) {
          out.consume(written);
        }
        if (buffer.hasRemaining()) {
          sink.resumeWrites(); // the socket is full: go on when it drains
          return;
        }
      }
    } catch (IOException e) {
      // broken connection: dropped below
    }
    abort();
  }

  private void onClosed() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      out.clear();
    }
    Listener l = listener;
    if (l != null) {
      l.onClose(this);
    }
  }
}
