package dev.chatctl.cli.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** Where a run connects: the server's address and the websocket path of the contract. */
record Target(InetSocketAddress address, String hostHeader, String path) {
  static final String PATH = "/socket.io/?EIO=4&transport=websocket";

  /** From an http(s) or ws URL; TLS is not supported (measure the server, not a proxy). */
  static Target of(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("ws")) {
      throw new IllegalArgumentException(
          "--url: the load generator speaks plain http:// or ws:// (got " + url + ")");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--url: no host in " + url);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    try {
      InetAddress host = InetAddress.getByName(uri.getHost());
      return new Target(new InetSocketAddress(host, port), uri.getHost() + ":" + port, PATH);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--url: unknown host " + uri.getHost());
    }
  }

  boolean isLoopback() {
    return address.getAddress().isLoopbackAddress();
  }
}
