package dev.chatctl.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One client websocket (RFC 6455): the HTTP upgrade, masked text frames out, unmasked frames in
 * (text reassembled from fragments, ping answered, close answered), on a {@link WsLoop}.
 *
 * <p>Kept small because a run may hold tens of thousands: no buffer is held while nothing is
 * pending, reads go through the loop's shared buffer.
 */
final class WsConn {
  /** What a connection reports, on the loop thread. */
  interface Handler {
    void onOpen(WsConn conn);

    void onText(WsConn conn, String text);

    /** The connection ended; {@code reason} says why (null when closed by {@link #close}). */
    void onClose(WsConn conn, String reason);
  }

  private enum State {
    CONNECTING,
    UPGRADING,
    OPEN,
    CLOSED
  }

  private final WsLoop loop;
  private final Handler handler;
  private final SocketChannel channel;
  private final WsHandshake handshake;
  private final WsFrames.Reader frames = new WsFrames.Reader();
  private final WsFrames.Sink sink = new Sink();
  private SelectionKey key;
  private volatile State state = State.CONNECTING;

  /** Bytes received and not yet a whole frame (or header), else null. */
  private byte[] leftover;

  /** Bytes written and not yet taken by the socket, else null; guarded by this. */
  private ByteBuffer pending;

  private WsConn(WsLoop loop, Handler handler, SocketChannel channel, String host, String path) {
    this.loop = loop;
    this.handler = handler;
    this.channel = channel;
    this.handshake = new WsHandshake(host, path);
  }

  /**
   * Opens a connection (on the loop thread). Failures, immediate ones included, are reported
   * through {@link Handler#onClose}.
   */
  static WsConn open(
      WsLoop loop,
      InetSocketAddress target,
      InetSocketAddress bind,
      String host,
      String path,
      Handler handler) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
    } catch (IOException e) {
      WsConn failed = new WsConn(loop, handler, null, host, path);
      failed.state = State.CLOSED;
      handler.onClose(failed, "socket: " + e.getMessage());
      return failed;
    }
    WsConn conn = new WsConn(loop, handler, channel, host, path);
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (bind != null) {
        channel.bind(bind);
      }
      conn.key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, conn);
      if (channel.connect(target)) {
        conn.connected();
      }
    } catch (IOException e) {
      conn.fail("connect: " + e.getMessage());
    }
    return conn;
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  /** Sends one text message (from any thread); false when the connection is not open. */
  boolean sendText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    return sendFrame(WsFrames.OP_TEXT, payload);
  }

  /** Closes with status 1000 (from the loop thread); the handler hears nothing more. */
  void close() {
    if (state == State.OPEN) {
      sendFrame(WsFrames.OP_CLOSE, WsFrames.NORMAL_CLOSURE);
    }
    shut(null);
  }

  /** Closes at once, reporting {@code reason} to the handler. */
  void abort(String reason) {
    shut(reason);
  }

  private boolean sendFrame(int opcode, byte[] payload) {
    return state == State.OPEN && write(WsFrames.masked(opcode, payload));
  }

  private boolean write(byte[] bytes) {
    boolean register = false;
    synchronized (this) {
      if (state == State.CLOSED) {
        return false;
      }
      try {
        if (pending == null) {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          channel.write(buffer);
          if (buffer.hasRemaining()) {
            pending = ByteBuffer.allocate(Math.max(4096, buffer.remaining() * 2));
            pending.put(buffer);
            register = true;
          }
        } else {
          if (pending.remaining() < bytes.length) {
            ByteBuffer bigger =
                ByteBuffer.allocate(
                    Math.max(pending.capacity() * 2, pending.position() + bytes.length));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
          }
          pending.put(bytes);
        }
      } catch (IOException e) {
        loop.execute(() -> fail("write: " + e.getMessage()));
        return false;
      }
    }
    if (register) {
      loop.execute(
          () -> {
            if (key.isValid()) {
              key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
          });
    }
    return true;
  }

  /** The selector says this connection can go on (loop thread). */
  void ready(SelectionKey key) {
    try {
      if (!key.isValid()) {
        return;
      }
      if (key.isConnectable()) {
        if (channel.finishConnect()) {
          connected();
        }
        return;
      }
      if (key.isWritable()) {
        flush();
      }
      if (key.isValid() && key.isReadable()) {
        read();
      }
    } catch (IOException e) {
      fail(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private void connected() throws IOException {
    state = State.UPGRADING;
    key.interestOps(SelectionKey.OP_READ);
    ByteBuffer buffer = ByteBuffer.wrap(handshake.request());
    channel.write(buffer);
    if (buffer.hasRemaining()) {
      fail("could not send the upgrade request at once");
    }
  }

  private void flush() throws IOException {
    synchronized (this) {
      if (pending == null) {
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        return;
      }
      pending.flip();
      channel.write(pending);
      if (pending.hasRemaining()) {
        pending.compact();
        return;
      }
      pending = null;
      key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }
  }

  private void read() throws IOException {
    ByteBuffer buffer = loop.readBuffer;
    while (state != State.CLOSED) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        fail("transport close");
        return;
      }
      if (n == 0) {
        return;
      }
      byte[] data;
      int length;
      if (leftover == null) {
        data = buffer.array();
        length = n;
      } else {
        data = Arrays.copyOf(leftover, leftover.length + n);
        System.arraycopy(buffer.array(), 0, data, leftover.length, n);
        length = data.length;
        leftover = null;
      }
      int used = state == State.UPGRADING ? upgrade(data, length) : 0;
      if (used < 0) {
        return;
      }
      while (state == State.OPEN && used < length) {
        int frame = frames.next(data, used, length, sink);
        if (frame == 0) {
          break;
        }
        used += frame;
      }
      if (state != State.CLOSED && used < length) {
        leftover = Arrays.copyOfRange(data, used, length);
      }
      if (n < buffer.capacity()) {
        return;
      }
    }
  }

  /** Reads the upgrade answer; returns the bytes it used, 0 when incomplete, -1 when refused. */
  private int upgrade(byte[] data, int length) {
    WsHandshake.Answer answer = handshake.read(data, length);
    if (answer.refusal() != null) {
      fail(answer.refusal());
      return -1;
    }
    if (answer.used() > 0) {
      state = State.OPEN;
      handler.onOpen(this);
    }
    return answer.used();
  }

  /** What the frame reader finds, acted on (loop thread). */
  private final class Sink implements WsFrames.Sink {
    @Override
    public void text(String text) {
      handler.onText(WsConn.this, text);
    }

    @Override
    public void ping(byte[] payload) {
      sendFrame(WsFrames.OP_PONG, payload);
    }

    @Override
    public void close(int status) {
      sendFrame(WsFrames.OP_CLOSE, WsFrames.NORMAL_CLOSURE);
      shut("server closed the websocket" + (status >= 0 ? " (" + status + ")" : ""));
    }

    @Override
    public void error(String reason) {
      fail(reason);
    }
  }

  private void fail(String reason) {
    shut(reason == null ? "closed" : reason);
  }

  private void shut(String reason) {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      pending = null;
    }
    leftover = null;
    frames.clear();
    if (key != null) {
      key.cancel();
    }
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // closed anyway
    }
    if (reason != null) {
      handler.onClose(this, reason);
    }
  }
}
