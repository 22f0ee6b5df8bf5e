package dev.chatctl.server.store;

/** A message newly marked read, and who sent it (whose sockets get the receipt). */
public record ReadMark(String id, String senderId) {}
