package dev.chatctl.protocol.chat;

/** A user as {@code users:list} lists them (never with an email). */
public record DirectoryEntry(String id, String name, String image, boolean online) {}
