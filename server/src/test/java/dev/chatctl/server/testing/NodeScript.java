package dev.chatctl.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node.js script of {@code server/src/test/node} (whose packages the build installs with
 * {@code npm ci}) and captures what it prints.
 */
public final class NodeScript {

  /** What a finished script printed, and its exit code. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private NodeScript() {}

  /** The folder of the Node.js test clients, found from the working directory of the build. */
  public static Path directory() {
    for (Path candidate : List.of(Paths.get("src/test/node"), Paths.get("server/src/test/node"))) {
      if (Files.isDirectory(candidate.resolve("node_modules"))) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "server/src/test/node/node_modules is missing: run the build (mvn test), which runs npm ci there");
  }

  /** A script running in the background; its output lines are collected as they come. */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final java.util.concurrent.BlockingQueue<String> lines =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

    Running(Process process) {
      this.process = process;
      Thread.ofVirtual()
          .start(
              () -> {
                try (var reader =
                    new java.io.BufferedReader(
                        new java.io.InputStreamReader(
                            process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    all.add(line);
                    lines.add(line);
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              });
    }

    /**
     * The next output line that starts with {@code prefix}, waiting up to the timeout; null if
     * none.
     */
    public String awaitLine(String prefix, long timeoutSeconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          return null;
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }

    /** Everything printed so far. */
    public String output() {
      synchronized (all) {
        return String.join("\n", all);
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * {@code node script args...} in the scripts' folder, asking for the machine report lines that
   * {@link NodeChecks} reads (CHECK_REPORT=1, see harness.mjs).
   */
  static ProcessBuilder command(String script, String... args) {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(script);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory().toFile());
    builder.environment().put("CHECK_REPORT", "1");
    return builder;
  }

  /** Starts a script in the background with extra environment variables. */
  public static Running start(String script, Map<String, String> env, String... args)
      throws IOException {
    ProcessBuilder builder = command(script, args).redirectErrorStream(true);
    builder.environment().putAll(env);
    return new Running(builder.start());
  }

  /** Runs a script to its end, killing it after the timeout. */
  public static Result run(String script, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("node-out", ".txt");
    Path err = Files.createTempFile("node-err", ".txt");
    try {
      Process process =
          command(script, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        return new Result(
            -1,
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8)
                + "\n(timed out after "
                + timeoutSeconds
                + " s)");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
