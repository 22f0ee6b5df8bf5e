package dev.chatctl.server.store;

/** What the directory keeps of a user from their token: a null claim keeps the stored value. */
public record Profile(String userId, String name, String email, String picture) {}
