package dev.chatctl.server.engineio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** An Engine.IO long-polling client over plain HTTP requests: handshake, GETs and POSTs. */
public final class RawPolling {
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final int port;
  public final String sid;

  private RawPolling(int port, String sid) {
    this.port = port;
    this.sid = sid;
  }

  /** Opens a session over polling. */
  public static RawPolling open(int port) throws IOException, InterruptedException {
    RawPolling anonymous = new RawPolling(port, null);
    HttpResponse<String> open =
        anonymous.http.send(
            anonymous.request("").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, open.statusCode(), open.body());
    assertTrue(open.body().startsWith("0{"), open.body());
    String sid = Json.MAPPER.readTree(open.body().substring(1)).get("sid").asText();
    return new RawPolling(port, sid);
  }

  /** A GET (a poll): the answer comes when the server has packets. */
  public CompletableFuture<HttpResponse<String>> poll() {
    return http.sendAsync(
        request("&sid=" + sid).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST of this payload; returns its status. */
  public int post(String payload) throws IOException, InterruptedException {
    HttpRequest post =
        request("&sid=" + sid).POST(HttpRequest.BodyPublishers.ofString(payload)).build();
    return http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** The query for a WebSocket probe of this session. */
  public String probeQuery() {
    return "EIO=4&transport=websocket&sid=" + sid;
  }

  private HttpRequest.Builder request(String extra) {
    return HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling" + extra));
  }
}
