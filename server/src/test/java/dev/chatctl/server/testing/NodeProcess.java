package dev.chatctl.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Node.js script of {@code server/src/test/node} run interactively: the test reads its output
 * line by line while it runs and can answer on its standard input (e.g. {@code delivery.mjs
 * --restart-via-stdio}, which asks for a server restart and waits until it is done).
 */
public final class NodeProcess implements AutoCloseable {
  private static final String EOF = new String("<eof>");

  private final Process process;
  private final Path stderr;
  private final StringBuilder stdout = new StringBuilder();
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Writer stdin;

  private NodeProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread.ofPlatform().daemon(true).name("node-stdout").start(this::read);
  }

  public static NodeProcess start(String script, String... args) throws IOException {
    Path err = Files.createTempFile("node-err", ".txt");
    Process process = NodeScript.command(script, args).redirectError(err.toFile()).start();
    return new NodeProcess(process, err);
  }

  private void read() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        synchronized (stdout) {
          stdout.append(line).append('\n');
        }
        lines.add(line);
      }
    } catch (IOException e) {
      // the process went away
    } finally {
      lines.add(EOF);
    }
  }

  /**
   * The next line of output that matches, or null when the script ends (or the time is up) first.
   */
  public String awaitLine(Predicate<String> matching, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        return null;
      }
      if (line == EOF) {
        lines.add(EOF);
        return null;
      }
      if (matching.test(line)) {
        return line;
      }
    }
  }

  public void writeLine(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Waits for the script to end; kills it when it takes longer than the timeout. */
  public NodeScript.Result await(Duration timeout) throws IOException, InterruptedException {
    boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!ended) {
      close();
    }
    awaitLine(l -> false, Duration.ofSeconds(5)); // the rest of stdout
    String out;
    synchronized (stdout) {
      out = stdout.toString();
    }
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    return new NodeScript.Result(
        ended ? process.exitValue() : -1,
        out,
        ended ? err : err + "\n(timed out after " + timeout + ")");
  }

  @Override
  public void close() throws IOException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(stderr);
  }
}
