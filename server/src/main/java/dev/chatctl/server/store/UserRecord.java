package dev.chatctl.server.store;

import java.time.Instant;

/** A user of the directory. */
public record UserRecord(String id, String name, String email, String image, Instant createdAt) {}
