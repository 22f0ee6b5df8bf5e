package dev.chatctl.cli.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A websocket endpoint at /socket.io/ whose every frame the test writes by hand: it opens each
 * connection with the given Engine.IO OPEN packet, records what the client sends, and sends what
 * the test says. For checking the client's wire behaviour exactly.
 */
final class ScriptedServer implements AutoCloseable {
  private final Undertow undertow;
  private final int port;
  private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();

  /** One websocket connection to the scripted server. */
  static final class Connection {
    private final WebSocketChannel channel;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

    Connection(WebSocketChannel channel) {
      this.channel = channel;
    }

    void send(String frame) {
      WebSockets.sendText(frame, channel, null);
    }

    /** The next text frame the client sent (fails after 10 s). */
    String next() throws InterruptedException {
      String frame = frames.poll(10, TimeUnit.SECONDS);
      assertNotNull(frame, "the client sent nothing more");
      return frame;
    }

    /** Ends the connection with a close frame. */
    void close() {
      WebSockets.sendClose(1000, "", channel, null);
    }
  }

  ScriptedServer(String openPacket) {
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                Handlers.path()
                    .addPrefixPath(
                        "/socket.io/",
                        Handlers.websocket(
                            (exchange, channel) -> {
                              Connection c = new Connection(channel);
                              channel
                                  .getReceiveSetter()
                                  .set(
                                      new AbstractReceiveListener() {
                                        @Override
                                        protected void onFullTextMessage(
                                            WebSocketChannel ch, BufferedTextMessage message) {
                                          c.frames.add(message.getData());
                                        }
                                      });
                              channel.resumeReceives();
                              c.send(openPacket);
                              connections.add(c);
                            })))
            .build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  static String open(long pingInterval, long pingTimeout) {
    return "0{\"sid\":\"e1\",\"upgrades\":[],\"pingInterval\":"
        + pingInterval
        + ",\"pingTimeout\":"
        + pingTimeout
        + ",\"maxPayload\":1000000}";
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The next connection the client opened (fails after 10 s). */
  Connection accept() throws InterruptedException {
    Connection c = connections.poll(10, TimeUnit.SECONDS);
    assertNotNull(c, "the client did not connect");
    return c;
  }

  @Override
  public void close() {
    undertow.stop();
  }
}
