package dev.chatctl.cli;

import dev.chatctl.util.ConfigException;
import dev.chatctl.util.IoErrors;
import dev.chatctl.util.UnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * The embedded database's directory: checked before the database opens it (so that a file in the
 * way or a missing permission is one line, not the database's stack trace), and held by one {@code
 * serve} at a time through a lock file that says who holds it.
 */
final class DataDirectory implements AutoCloseable {
  static final String LOCK_FILE = "serve.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectory(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Makes the directory when missing; a usage error naming the reason when it cannot be used. */
  static Path prepare(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot use the data directory "
              + dir
              + ": "
              + IoErrors.describe(e)
              + " (set --data-dir or CHATCTL_DATA_DIR to a writable directory)");
    }
    if (!Files.isWritable(dir)) {
      throw new ConfigException(
          "cannot use the data directory "
              + dir
              + ": permission denied (set --data-dir or CHATCTL_DATA_DIR to a writable directory)");
    }
    return dir;
  }

  /**
   * Takes the directory for this process; when another {@code serve} holds it, fails with who that
   * is. The lock lasts until {@link #close} or the end of the process.
   */
  static DataDirectory lock(Path dir) {
    prepare(dir);
    Path file = dir.resolve(LOCK_FILE);
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new UnavailableException(
            "the data directory "
                + dir
                + " is in use by another chatctl serve"
                + (holder.isEmpty() ? "" : " (" + holder + ")")
                + "; stop it, or give this one its own --data-dir",
            null);
      }
      DataDirectory held = new DataDirectory(channel, lock);
      held.describe(
          "pid "
              + ProcessHandle.current().pid()
              + ", started "
              + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
      return held;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new ConfigException(
          "cannot lock the data directory " + dir + ": " + IoErrors.describe(e));
    }
  }

  /** Writes who holds the directory, for the message another serve prints. */
  void describe(String holder) {
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
    } catch (IOException ignored) {
      // the lock is what counts; the description only helps
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // released with the channel anyway
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
