package dev.chatctl.server.auth;

/**
 * A token and where it came from. {@code cookieName} is the session cookie that held it (its name
 * salts Auth.js keys), or null when it came from the auth payload, the header or the query.
 */
public record FoundToken(String token, String cookieName) {}
