package dev.chatctl.cli.bench;

import dev.chatctl.util.Secret;
import java.time.Duration;

/** What every scenario is told: where the server is, how to mint tokens, and how to report. */
final class BenchOptions {
  String url = "http://127.0.0.1:3001";

  /** The secret tokens are minted with. */
  Secret secret;

  /** The server's process id, for its CPU and resident memory (0: not measured). */
  long serverPid;

  /** Handshakes in flight at once during a connect phase. */
  int concurrency = 200;

  /** Local addresses 127.0.0.1..N to spread connections over (1: the system picks). */
  int sourceIps = 1;

  /** The longest a connect phase may take. */
  Duration connectTimeout = Duration.ofSeconds(120);

  /** How long to wait for messages still in flight after a run's sending stops. */
  Duration drain = Duration.ofSeconds(5);
}
