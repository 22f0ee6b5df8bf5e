package dev.chatctl.server.engineio;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The frames waiting to be written to one WebSocket, with the offset into the first one that a
 * short write left. Holds nothing while empty (an idle socket costs no queue). Not thread-safe: its
 * {@link WsConnection} guards it with its monitor.
 */
final class WsWriteQueue {
  private ArrayDeque<byte[]> frames;
  private int headOffset;
  private long bytes;

  /** Adds a frame; returns the bytes queued now. */
  long add(byte[] frame) {
    if (frames == null) {
      frames = new ArrayDeque<>(4);
    }
    frames.add(frame);
    bytes += frame.length;
    return bytes;
  }

  /** Copies as much of the queue as fits into {@code buffer}, which is cleared first. */
  void fill(ByteBuffer buffer) {
    buffer.clear();
    if (frames == null) {
      return;
    }
    int offset = headOffset;
    for (byte[] frame : frames) {
      int take = Math.min(frame.length - offset, buffer.remaining());
      buffer.put(frame, offset, take);
      offset = 0;
      if (!buffer.hasRemaining()) {
        return;
      }
    }
  }

  /** Drops the first {@code written} bytes (they are on the wire). */
  void consume(long written) {
    bytes -= written;
    long left = written;
    while (left > 0 && frames != null && !frames.isEmpty()) {
      int rest = frames.peekFirst().length - headOffset;
      if (left >= rest) {
        frames.pollFirst();
        left -= rest;
        headOffset = 0;
      } else {
        headOffset += (int) left;
        left = 0;
      }
    }
    if (frames != null && frames.isEmpty()) {
      frames = null;
    }
  }

  void clear() {
    frames = null;
    headOffset = 0;
    bytes = 0;
  }
}
