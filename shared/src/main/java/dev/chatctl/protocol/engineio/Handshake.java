package dev.chatctl.protocol.engineio;

import java.util.List;

/** The body of an Engine.IO OPEN packet. */
public record Handshake(
    String sid, List<String> upgrades, long pingInterval, long pingTimeout, long maxPayload) {}
