package dev.chatctl.server.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script from this package's resources, run by its digest (EVALSHA) and sent in full (EVAL,
 * which caches it again) when Redis does not know it, as after a restart. Each script starts with
 * {@code presence.lua}, the helpers they share. The answer (and a {@link Throttle} slot) waits for
 * the fallback; only after a Redis restart can a fallback EVAL overtake commands sent after it,
 * when the node registers again anyway.
 */
final class LuaScript {
  private static final String PRELUDE = resource("presence.lua");

  private final String text;
  private final ScriptOutputType type;
  private volatile String sha;

  LuaScript(String name, ScriptOutputType type) {
    this.text = PRELUDE + "\n" + resource(name);
    this.type = type;
  }

  <T> CompletionStage<T> run(
      RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
    if (sha == null) {
      sha = redis.digest(text);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    redis
        .<T>evalsha(sha, type, keys, args)
        .whenComplete(
            (value, error) -> {
              if (error instanceof RedisNoScriptException
                  || (error != null && error.getCause() instanceof RedisNoScriptException)) {
                redis
                    .<T>eval(text, type, keys, args)
                    .whenComplete((v, e) -> Futures.complete(result, v, e));
              } else {
                Futures.complete(result, value, error);
              }
            });
    return result;
  }

  private static String resource(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
