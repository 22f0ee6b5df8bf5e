package dev.chatctl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code chatctl} run as its own process (this JVM's java and classpath), its output collected. */
public final class ChatctlProcess implements AutoCloseable {
  private final Process process;
  private final List<String> out = Collections.synchronizedList(new ArrayList<>());
  private final List<String> err = Collections.synchronizedList(new ArrayList<>());
  private final BlockingQueue<String> errLines = new LinkedBlockingQueue<>();

  private final Thread outPump;
  private final Thread errPump;

  private ChatctlProcess(Process process) {
    this.process = process;
    outPump = pump(process.getInputStream(), out, null);
    errPump = pump(process.getErrorStream(), err, errLines);
  }

  public static ChatctlProcess start(Path workingDir, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    builder.environment().remove("DATABASE_URL");
    builder.environment().remove("NEXTAUTH_SECRET");
    builder.environment().remove("AUTH_SECRET");
    builder.environment().remove("CHATCTL_URL");
    builder.environment().remove("WS_PORT");
    // the per-user development secret of this run, not the user's own
    builder.environment().put("CHATCTL_CONFIG_DIR", workingDir.resolve("config").toString());
    builder.environment().putAll(env);
    return new ChatctlProcess(builder.start());
  }

  /** Runs to the end (or the timeout, then kills it); returns the exit code. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    outPump.join(5_000); // every line printed before the exit
    errPump.join(5_000);
    return process.exitValue();
  }

  /** Waits for a stderr line containing {@code text}; null if it does not come in time. */
  public String awaitErrLine(String text, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : errLines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null || line.contains(text)) {
        return line;
      }
    }
  }

  /** Sends SIGTERM (through the handle: Process.destroy would also close our end of its output). */
  public void terminate() {
    process.toHandle().destroy();
  }

  public long pid() {
    return process.pid();
  }

  public List<String> stdout() {
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  /** stderr lines, without the JVM's own warnings. */
  public List<String> stderr() {
    synchronized (err) {
      return err.stream().filter(l -> !l.startsWith("WARNING:")).toList();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static Thread pump(
      java.io.InputStream in, List<String> into, BlockingQueue<String> queue) {
    return Thread.ofPlatform()
        .daemon(true)
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  into.add(line);
                  if (queue != null) {
                    queue.add(line);
                  }
                }
              } catch (IOException ignored) {
                // ended
              }
            });
  }
}
