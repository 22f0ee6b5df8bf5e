package dev.chatctl.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

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

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int OP_CONT = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;

  private enum State { CONNECTING, UPGRADING, OPEN, CLOSED }

  private final WsLoop loop;
  private final Handler handler;
  private final SocketChannel channel;
  private final String expectedAccept;
  private final byte[] request;
  private SelectionKey key;
  private volatile State state = State.CONNECTING;
  /** Bytes received and not yet a whole frame (or header), else null. */
  private byte[] leftover;
  /** Text of a fragmented message so far, else null. */
  private byte[] fragments;
  /** Bytes written and not yet taken by the socket, else null; guarded by this. */
  private ByteBuffer pending;

  private WsConn(WsLoop loop, Handler handler, SocketChannel channel, String host, String path) {
    this.loop = loop;
    this.handler = handler;
    this.channel = channel;
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    this.expectedAccept = accept(key);
    this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Opens a connection (on the loop thread). Failures, immediate ones included, are reported through
   * {@link Handler#onClose}.
   */
  static WsConn open(WsLoop loop, InetSocketAddress target, InetSocketAddress bind, String host, String path, Handler handler) {
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
    return sendFrame(OP_TEXT, payload);
  }

  /** Closes with status 1000 (from the loop thread); the handler hears nothing more. */
  void close() {
    if (state == State.OPEN) {
      sendFrame(OP_CLOSE, new byte[] {0x03, (byte) 0xE8});
    }
    shut(null);
  }

  /** Closes at once, reporting {@code reason} to the handler. */
  void abort(String reason) {
    shut(reason);
  }

  private boolean sendFrame(int opcode, byte[] payload) {
    if (state != State.OPEN) {
      return false;
    }
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] frame = new byte[header + 4 + length];
    frame[0] = (byte) (0x80 | opcode);
    if (length < 126) {
      frame[1] = (byte) (0x80 | length);
    } else if (length <= 0xFFFF) {
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
    } else {
      frame[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    int mask = ThreadLocalRandom.current().nextInt();
    byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    System.arraycopy(m, 0, frame, header, 4);
    int at = header + 4;
    for (int i = 0; i < length; i++) {
      frame[at + i] = (byte) (payload[i] ^ m[i & 3]);
    }
    return write(frame);
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
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + bytes.length));
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
      loop.execute(() -> {
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
    ByteBuffer buffer = ByteBuffer.wrap(request);
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
        int frame = frame(data, used, length);
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
    int end = -1;
    for (int i = 3; i < length; i++) {
      if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') {
        end = i + 1;
        break;
      }
    }
    if (end < 0) {
      if (length > 16_384) {
        fail("upgrade answer too long");
        return -1;
      }
      return 0;
    }
    String head = new String(data, 0, end, StandardCharsets.ISO_8859_1);
    String status = head.substring(0, head.indexOf('\r'));
    if (!status.startsWith("HTTP/1.1 101")) {
      fail("upgrade refused: " + status);
      return -1;
    }
    boolean accepted = false;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
        accepted = line.substring(colon + 1).trim().equals(expectedAccept);
      }
    }
    if (!accepted) {
      fail("upgrade answer without the right Sec-WebSocket-Accept");
      return -1;
    }
    state = State.OPEN;
    handler.onOpen(this);
    return end;
  }

  /** Handles one frame at {@code at}; returns its length, 0 when it is not whole yet. */
  private int frame(byte[] data, int at, int length) {
    if (length - at < 2) {
      return 0;
    }
    int b0 = data[at] & 0xFF;
    int b1 = data[at + 1] & 0xFF;
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    boolean masked = (b1 & 0x80) != 0;
    long len = b1 & 0x7F;
    int header = 2;
    if (len == 126) {
      if (length - at < 4) {
        return 0;
      }
      len = ((data[at + 2] & 0xFF) << 8) | (data[at + 3] & 0xFF);
      header = 4;
    } else if (len == 127) {
      if (length - at < 10) {
        return 0;
      }
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | (data[at + 2 + i] & 0xFF);
      }
      header = 10;
    }
    if (masked) {
      fail("the server masked a frame");
      return 0;
    }
    if (len > 64L * 1024 * 1024) {
      fail("frame too large: " + len + " bytes");
      return 0;
    }
    if (length - at - header < len) {
      return 0;
    }
    int start = at + header;
    int size = (int) len;
    switch (opcode) {
      case OP_TEXT, OP_BINARY, OP_CONT -> {
        if (opcode != OP_CONT && fin && fragments == null) {
          if (opcode == OP_TEXT) {
            handler.onText(this, new String(data, start, size, StandardCharsets.UTF_8));
          }
        } else {
          byte[] sofar = fragments == null ? new byte[0] : fragments;
          byte[] more = Arrays.copyOf(sofar, sofar.length + size);
          System.arraycopy(data, start, more, sofar.length, size);
          fragments = more;
          if (fin) {
            fragments = null;
            handler.onText(this, new String(more, StandardCharsets.UTF_8));
          }
        }
      }
      case OP_PING -> sendFrame(OP_PONG, Arrays.copyOfRange(data, start, start + size));
      case OP_PONG -> { }
      case OP_CLOSE -> {
        String reason = "server closed the websocket"
            + (size >= 2 ? " (" + (((data[start] & 0xFF) << 8) | (data[start + 1] & 0xFF)) + ")" : "");
        sendFrame(OP_CLOSE, new byte[] {0x03, (byte) 0xE8});
        shut(reason);
      }
      default -> fail("unknown opcode " + opcode);
    }
    return header + size;
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
    fragments = null;
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

  static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
