package dev.chatctl.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of a test server (or a database) that plays the network: it can
 * cut every connection (reset, as a restarting router does; a bare FIN that races a connection's
 * first frames can go unnoticed by java.net.http.WebSocket until the heartbeat, which would make
 * tests slow, not wrong), refuse new ones (a server that is down), drop what the server sends while
 * passing what the client sends (an answer lost on the way), or drop everything without closing
 * anything (a network that is gone: only heartbeats notice).
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean dropDownstream;
  private volatile boolean dropAll;
  private volatile boolean refuse;
  private volatile boolean closed;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("test-proxy").start(this::accept);
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Drops what the server sends (the client's frames still reach the server). */
  public void dropDownstream(boolean drop) {
    dropDownstream = drop;
  }

  /** Drops everything both ways and hides closes: the network is gone. */
  public void dropAll(boolean drop) {
    dropAll = drop;
  }

  /** Resets new connections at once while {@code refuse} (what a stopped server's port does). */
  public void refuse(boolean refuse) {
    this.refuse = refuse;
  }

  /** The server is down: every connection reset, new ones refused, until {@link #restore}. */
  public void down() {
    refuse(true);
    cut();
  }

  /** The server is back: new connections pass again. */
  public void restore() {
    refuse(false);
  }

  /** Closes every connection now (new ones are still accepted). */
  public void cut() {
    for (Socket s : sockets) {
      reset(s);
    }
    sockets.clear();
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // reset, as a router that restarts does
    } catch (IOException e) {
      // closing anyway
    }
    closeQuietly(s);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        if (refuse) {
          reset(client);
          continue;
        }
        Socket server;
        try {
          server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        Thread.ofPlatform().daemon().start(() -> pump(client, server, false));
        Thread.ofPlatform().daemon().start(() -> pump(server, client, true));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean downstream) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (dropAll || (downstream && dropDownstream)) {
          continue;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // closed
    }
    if (!dropAll) { // a network that is gone carries no close either
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    cut();
  }

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
