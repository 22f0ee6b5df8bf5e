package dev.chatctl.server.http;

import java.util.Map;

/**
 * What the layers above the transport (socket.io, auth, chat) may know of the HTTP request that
 * opened an Engine.IO session: its query parameters (first value of each), the few request headers
 * kept for authentication (lower-case names: {@code authorization}, {@code cookie}, {@code origin})
 * and the peer address. Only these are kept, so an idle connection costs little memory.
 */
public record HandshakeRequest(
    Map<String, String> query, Map<String, String> headers, String remoteAddress) {

  /** Request headers kept for the handshake. */
  public static final String[] KEPT_HEADERS = {"authorization", "cookie", "origin"};

  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  public String queryParameter(String name) {
    return query.get(name);
  }
}
