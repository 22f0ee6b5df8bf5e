package dev.chatctl.server.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatctl.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Mints the HS256 tokens of {@code chatctl token}: what {@code jsonwebtoken.sign} makes. */
public final class TokenIssuer {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final byte[] secret;
  private final Clock clock;

  public TokenIssuer(String secret, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  public TokenIssuer(String secret) {
    this(secret, Clock.systemUTC());
  }

  /** An HS256 token for a user; null name, email and picture are left out; null ttl: no exp. */
  public String issue(String userId, String name, String email, String picture, Duration ttl) {
    long now = clock.millis() / 1000;
    ObjectNode claims = JsonNodeFactory.instance.objectNode();
    claims.put("sub", userId);
    if (name != null) {
      claims.put("name", name);
    }
    if (email != null) {
      claims.put("email", email);
    }
    if (picture != null) {
      claims.put("picture", picture);
    }
    claims.put("iat", now);
    if (ttl != null) {
      claims.put("exp", now + ttl.toSeconds());
    }
    return sign(Json.write(claims));
  }

  /** Signs a JSON payload with HS256. */
  public String sign(String payloadJson) {
    String signingInput =
        B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
