package dev.chatctl.server.engineio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * One server-side WebSocket (RFC 6455) on a connection that Undertow upgraded: frames read and
 * written here, with no per-connection buffer while the socket is idle. Undertow's own
 * WebSocketChannel costs several kilobytes and a task per frame sent; a chat server holds tens of
 * thousands of mostly idle sockets and sends one presence change to all of them.
 *
 * <p>Reading happens on the connection's I/O thread: into a buffer shared by that thread, with
 * only an incomplete frame's bytes kept per connection. Writing may be called from any thread:
 * frames (byte arrays, shared between sockets for a broadcast) are queued, and the I/O thread
 * writes everything queued in as few system calls as it can. A socket whose queue grows past
 * {@code maxBufferedBytes} (a client that stopped reading) is dropped.
 */
public final class WsConnection {

  /** What the connection reports. Called on its I/O thread. */
  public interface Listener {
    void onText(WsConnection ws, String text);

    void onBinary(WsConnection ws, byte[] data);

    /** The connection is closed (either side). Called once. */
    void onClose(WsConnection ws);
  }

  /** Close codes (RFC 6455 7.4.1). */
  static final int NORMAL = 1000;
  static final int PROTOCOL_ERROR = 1002;
  static final int INVALID_DATA = 1007;
  static final int TOO_BIG = 1009;

  private static final int IO_BUFFER = 64 * 1024;
  private static final long CLOSE_GRACE_MILLIS = 2_000;
  private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(IO_BUFFER));
  private static final ThreadLocal<ByteBuffer> WRITE_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(IO_BUFFER));
  private static final ThreadLocal<CharsetDecoder> UTF8 =
      ThreadLocal.withInitial(
          () -> StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT));

  private final StreamConnection connection;
  private final ConduitStreamSourceChannel source;
  private final ConduitStreamSinkChannel sink;
  private final int maxMessage;
  private final long maxBufferedBytes;
  private final Events events = new Events();
  private volatile Listener listener;
  private volatile boolean readPaused;

  // read state: I/O thread only
  private ByteBuffer pending; // bytes of an incomplete frame, in write mode; null when none
  private byte[] fragments; // a fragmented message so far
  private int fragmentsLength;
  private int fragmentsOpcode = -1;
  private int wanted; // the size of the incomplete frame at the end of the last read, when known

  // write state: guarded by this
  private ArrayDeque<byte[]> out;
  private int headOffset;
  private long queued;
  private boolean flushScheduled;
  private boolean closeQueued;
  private boolean closed;
  private boolean overflowed;

  private WsConnection(StreamConnection connection, int maxMessage, long maxBufferedBytes) {
    this.connection = connection;
    this.source = connection.getSourceChannel();
    this.sink = connection.getSinkChannel();
    this.maxMessage = maxMessage;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  /** Takes over an upgraded connection; frames flow once {@link #start} is called. */
  public static WsConnection over(StreamConnection connection, int maxMessage, long maxBufferedBytes) {
    try {
      connection.setOption(org.xnio.Options.TCP_NODELAY, true); // frames are small and latency matters
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

  /** The connection's events and the flush task, in one object (an idle socket costs little). */
  private final class Events implements org.xnio.ChannelListener<java.nio.channels.Channel>, Runnable {
    @Override
    public void handleEvent(java.nio.channels.Channel channel) {
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
  }

  /**
   * Stops reading from the peer, or starts again: TCP backpressure for a peer whose requests the
   * application has too many of in flight. Any thread; a read in progress stops after its frame.
   */
  public void pauseReading(boolean paused) {
    readPaused = paused;
    connection.getIoThread().execute(() -> {
      if (readPaused) {
        source.suspendReads();
      } else {
        source.resumeReads();
      }
    });
  }

  /** Sends to another listener from now on (a probe becoming the transport). */
  public void listen(Listener listener) {
    this.listener = listener;
  }

  public XnioIoThread ioThread() {
    return connection.getIoThread();
  }

  public String peerAddress() {
    return String.valueOf(connection.getPeerAddress());
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

  /** Writes now on the I/O thread; from another thread, asks the I/O thread to. */
  private void scheduleFlush() {
    XnioIoThread io = connection.getIoThread();
    if (Thread.currentThread() == io) {
      flush();
      return;
    }
    Deferred deferred = DEFERRED.get();
    if (deferred != null) {
      deferred.add(io, this);
    } else {
      io.execute(events);
    }
  }

  /** Connections to flush at the end of a {@link #batch}, by I/O thread. */
  private static final ThreadLocal<Deferred> DEFERRED = new ThreadLocal<>();

  /** Most connections one flush task takes: a long broadcast starts writing before it ends. */
  private static final int DEFERRED_CHUNK = 256;

  private static final class Deferred {
    private final java.util.Map<XnioIoThread, java.util.List<WsConnection>> byThread = new java.util.HashMap<>(4);

    void add(XnioIoThread io, WsConnection connection) {
      java.util.List<WsConnection> list = byThread.computeIfAbsent(io, k -> new java.util.ArrayList<>());
      list.add(connection);
      if (list.size() >= DEFERRED_CHUNK) {
        byThread.remove(io);
        submit(io, list);
      }
    }

    void submitAll() {
      byThread.forEach(Deferred::submit);
      byThread.clear();
    }

    private static void submit(XnioIoThread io, java.util.List<WsConnection> list) {
      io.execute(() -> {
        for (WsConnection connection : list) {
          connection.flush();
        }
      });
    }
  }

  /**
   * Runs {@code sends} (on a thread that is not an I/O thread: a broadcast, the store's answers to a
   * batch) with the flushes it causes gathered: one task per I/O thread instead of one per
   * connection, and the frames a connection got meanwhile written together. Order per connection
   * is unchanged; only the writing waits for the end of {@code sends} (or a chunk of connections).
   */
  public static void batch(Runnable sends) {
    if (DEFERRED.get() != null) {
      sends.run();
      return;
    }
    Deferred deferred = new Deferred();
    DEFERRED.set(deferred);
    try {
      sends.run();
    } finally {
      DEFERRED.remove();
      deferred.submitAll();
    }
  }

  private boolean enqueue(byte[] frame) {
    if (out == null) {
      out = new ArrayDeque<>(4);
    }
    out.add(frame);
    queued += frame.length;
    if (queued > maxBufferedBytes) {
      overflowed = true;
    }
    if (flushScheduled) {
      return false;
    }
    flushScheduled = true;
    return true;
  }

  /** Frames waiting to be written, in bytes. */
  public synchronized long queuedBytes() {
    return queued;
  }

  /**
   * Closes with a close frame after what is queued; the connection ends when the peer answers,
   * or after a grace period.
   */
  public void close(int code) {
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

  /** Writes what is queued (I/O thread). */
  private void flush() {
    ByteBuffer buffer = WRITE_BUFFER.get();
    try {
      while (true) {
        boolean closeWhenDone;
        synchronized (this) {
          if (closed) {
            out = null;
            return;
          }
          if (overflowed) {
            out = null;
            queued = 0;
            closeQueued = true;
            break; // dropped below, outside the monitor
          }
          buffer.clear();
          int offset = headOffset;
          if (out != null) {
            for (byte[] frame : out) {
              int take = Math.min(frame.length - offset, buffer.remaining());
              buffer.put(frame, offset, take);
              offset = 0;
              if (!buffer.hasRemaining()) {
                break;
              }
            }
          }
          if (buffer.position() == 0) {
            flushScheduled = false;
            closeWhenDone = closeQueued;
            if (!closeWhenDone) {
              return;
            }
          } else {
            closeWhenDone = false;
          }
        }
        if (closeWhenDone) {
          sink.shutdownWrites(); // our close frame is out: the peer answers, or the grace ends
          sink.flush();
          return;
        }
        buffer.flip();
        long written = sink.write(buffer);
        consume(written);
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

  private synchronized void consume(long written) {
    queued -= written;
    long left = written;
    while (left > 0 && out != null && !out.isEmpty()) {
      byte[] head = out.peekFirst();
      int rest = head.length - headOffset;
      if (left >= rest) {
        out.pollFirst();
        left -= rest;
        headOffset = 0;
      } else {
        headOffset += (int) left;
        left = 0;
      }
    }
    if (out != null && out.isEmpty()) {
      out = null; // idle sockets hold no queue
    }
  }

  // ------------------------------------------------------------------ reading

  private void onReadable() {
    try {
      while (true) {
        if (readPaused) {
          source.suspendReads(); // until pauseReading(false); an incomplete frame's bytes are kept
          return;
        }
        ByteBuffer in;
        if (pending == null) {
          in = READ_BUFFER.get();
          in.clear();
        } else {
          if (!pending.hasRemaining()) {
            pending = grow(pending, pending.capacity() * 2);
          }
          in = pending;
        }
        int n = source.read(in);
        if (n == -1) {
          abort();
          return;
        }
        if (n == 0) {
          return;
        }
        in.flip();
        wanted = 0;
        if (!parse(in)) {
          return;
        }
        if (!in.hasRemaining()) {
          pending = null; // idle sockets hold no buffer
          continue;
        }
        // an incomplete frame: keep its bytes, with room for all of it when its length is known
        int room = Math.max(256, Math.max(wanted, in.remaining() * 2));
        if (in == pending) {
          pending.compact();
          if (pending.capacity() < room) {
            pending = grow(pending, room);
          }
        } else {
          ByteBuffer keep = ByteBuffer.allocate(room);
          keep.put(in);
          pending = keep;
        }
      }
    } catch (IOException e) {
      abort();
    }
  }

  /** A copy of a buffer (write mode) with more capacity, in write mode. */
  private static ByteBuffer grow(ByteBuffer buffer, int capacity) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, 256));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  /**
   * Handles every whole frame in {@code in}, leaving an incomplete one's bytes. Returns false when
   * the connection is being closed.
   */
  private boolean parse(ByteBuffer in) {
    while (in.remaining() >= 2) {
      int p = in.position();
      int b0 = in.get(p) & 0xFF;
      int b1 = in.get(p + 1) & 0xFF;
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0F;
      long length = b1 & 0x7F;
      int header = 2;
      if ((b0 & 0x70) != 0 || (b1 & 0x80) == 0) {
        return fail(PROTOCOL_ERROR); // reserved bits without an extension, or an unmasked client frame
      }
      if (length == 126) {
        if (in.remaining() < 4) {
          return true;
        }
        length = ((in.get(p + 2) & 0xFF) << 8) | (in.get(p + 3) & 0xFF);
        header = 4;
      } else if (length == 127) {
        if (in.remaining() < 10) {
          return true;
        }
        length = in.getLong(p + 2);
        header = 10;
        if (length < 0) {
          return fail(PROTOCOL_ERROR);
        }
      }
      boolean control = opcode >= 0x8;
      if (control && (!fin || length > 125)) {
        return fail(PROTOCOL_ERROR);
      }
      if (!control && length + (opcode == 0 ? fragmentsLength : 0) > maxMessage) {
        return fail(TOO_BIG);
      }
      header += 4; // mask key
      if (in.remaining() < header + length) {
        wanted = (int) (header + length);
        return true;
      }
      int maskKey = in.getInt(p + header - 4);
      byte[] payload = new byte[(int) length];
      in.position(p + header);
      in.get(payload);
      unmask(payload, maskKey);
      if (!frame(fin, opcode, payload)) {
        return false;
      }
    }
    return true;
  }

  private static void unmask(byte[] payload, int maskKey) {
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= (byte) (maskKey >>> (24 - 8 * (i & 3)));
    }
  }

  private boolean frame(boolean fin, int opcode, byte[] payload) {
    switch (opcode) {
      case 0x0 -> {
        if (fragmentsOpcode < 0) {
          return fail(PROTOCOL_ERROR); // a continuation of nothing
        }
        appendFragment(payload);
        if (fin) {
          byte[] whole = java.util.Arrays.copyOf(fragments, fragmentsLength);
          int kind = fragmentsOpcode;
          fragments = null;
          fragmentsLength = 0;
          fragmentsOpcode = -1;
          return message(kind, whole);
        }
        return true;
      }
      case WsFrames.TEXT, WsFrames.BINARY -> {
        if (fragmentsOpcode >= 0) {
          return fail(PROTOCOL_ERROR); // a new message inside a fragmented one
        }
        if (fin) {
          return message(opcode, payload);
        }
        fragmentsOpcode = opcode;
        appendFragment(payload);
        return true;
      }
      case WsFrames.CLOSE -> {
        boolean answered;
        synchronized (this) {
          answered = closeQueued;
        }
        if (answered) {
          abort(); // our close was sent: the handshake is complete
        } else {
          int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : NORMAL;
          close(code == 1005 || code == 1006 || code == 1015 ? NORMAL : code);
        }
        return false;
      }
      case WsFrames.PING -> {
        send(WsFrames.frame(WsFrames.PONG, payload));
        return true;
      }
      case WsFrames.PONG -> {
        return true;
      }
      default -> {
        return fail(PROTOCOL_ERROR);
      }
    }
  }

  private void appendFragment(byte[] payload) {
    if (fragments == null) {
      fragments = new byte[Math.max(256, payload.length * 2)];
    } else if (fragmentsLength + payload.length > fragments.length) {
      fragments = java.util.Arrays.copyOf(fragments, Math.max(fragments.length * 2, fragmentsLength + payload.length));
    }
    System.arraycopy(payload, 0, fragments, fragmentsLength, payload.length);
    fragmentsLength += payload.length;
  }

  private boolean message(int opcode, byte[] payload) {
    Listener l = listener;
    if (opcode == WsFrames.BINARY) {
      l.onBinary(this, payload);
      return true;
    }
    String text;
    try {
      CharBuffer chars = UTF8.get().reset().decode(ByteBuffer.wrap(payload));
      text = chars.toString();
    } catch (CharacterCodingException e) {
      return fail(INVALID_DATA);
    }
    l.onText(this, text);
    return true;
  }

  private boolean fail(int code) {
    pending = null;
    fragments = null;
    close(code);
    return false;
  }

  private void onClosed() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      out = null;
      queued = 0;
    }
    Listener l = listener;
    if (l != null) {
      l.onClose(this);
    }
  }
}
