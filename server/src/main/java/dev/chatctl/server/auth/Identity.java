package dev.chatctl.server.auth;

/**
 * Who a token names: the user id ({@code sub}, else {@code id}, else {@code userId}), the display
 * claims the user directory keeps, and the expiry in epoch seconds (null when the token has none).
 */
public record Identity(String userId, String name, String email, String picture, Long expiresAt) {}
