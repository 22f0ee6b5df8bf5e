package dev.chatctl.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU used during a run, in percent of one core: the load generator itself, the server when its pid
 * is given, and every local PostgreSQL process (read from /proc; Linux only, else absent). On a
 * small machine the three compete for the same cores, so a result means little without them.
 */
final class CpuMeter {
  /** Linux reports process times in clock ticks of 1/100 s on every common platform. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long serverPid;
  private long wallStart;
  private long selfStart;
  private long serverStart;
  private Map<Long, Long> postgresStart;

  CpuMeter(long serverPid) {
    this.serverPid = serverPid;
  }

  void start() {
    wallStart = System.nanoTime();
    selfStart = selfCpuNanos();
    serverStart = serverPid > 0 ? ticks(serverPid) : -1;
    postgresStart = postgresTicks();
  }

  /**
   * Percent of one core over the time since {@link #start}, by process: bench, server, postgres.
   */
  Map<String, Object> stop() {
    double wall = (System.nanoTime() - wallStart) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    long self = selfCpuNanos();
    if (self >= 0 && selfStart >= 0) {
      out.put("bench", percent((self - selfStart) / 1e9, wall));
    }
    if (serverPid > 0) {
      long end = ticks(serverPid);
      if (end >= 0 && serverStart >= 0) {
        out.put("server", percent((end - serverStart) / TICKS_PER_SECOND, wall));
      }
    }
    Map<Long, Long> pgEnd = postgresTicks();
    if (!pgEnd.isEmpty()) {
      long sum = 0;
      for (Map.Entry<Long, Long> e : pgEnd.entrySet()) {
        sum += e.getValue() - postgresStart.getOrDefault(e.getKey(), 0L);
      }
      out.put("postgres", percent(sum / TICKS_PER_SECOND, wall));
    }
    return out;
  }

  private static double percent(double cpuSeconds, double wallSeconds) {
    return wallSeconds <= 0 ? 0 : Math.round(cpuSeconds / wallSeconds * 1000) / 10.0;
  }

  private static long selfCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** utime + stime of a process in clock ticks, else -1. */
  static long ticks(long pid) {
    try {
      return parseTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime from a /proc/PID/stat line (fields 14 and 15, counted after the command name).
   */
  static long parseTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Resident memory of a process in bytes (VmRSS), else -1. */
  static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static Map<Long, Long> postgresTicks() {
    Map<Long, Long> out = new LinkedHashMap<>();
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return out;
    }
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> list = Files.list(proc)) {
      list.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(dirs::add);
    } catch (IOException e) {
      return out;
    }
    for (Path dir : dirs) {
      try {
        String stat = Files.readString(dir.resolve("stat"));
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (comm.startsWith("postgres")) {
          out.put(Long.parseLong(dir.getFileName().toString()), parseTicks(stat));
        }
      } catch (IOException | RuntimeException ignored) {
        // the process ended meanwhile
      }
    }
    return out;
  }
}
