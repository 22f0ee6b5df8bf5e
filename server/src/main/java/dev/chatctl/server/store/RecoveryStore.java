package dev.chatctl.server.store;

import static dev.chatctl.db.Tables.MESSAGES;
import static dev.chatctl.db.Tables.RECOVERY_SESSIONS;
import static dev.chatctl.db.Tables.USERS;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Connection state recovery sessions: the {@code pid} of a CONNECT answer, the user it belongs to,
 * where its replay starts without an offset, and when it was last seen connected.
 */
public final class RecoveryStore {

  private RecoveryStore() {}

  /** A stored session. */
  public record Session(String pid, String userId, long baseSeq, Instant lastSeenAt) {}

  public static Map<String, Session> find(DSLContext tx, Collection<String> pids) {
    if (pids.isEmpty()) {
      return Map.of();
    }
    return tx.selectFrom(RECOVERY_SESSIONS)
        .where(RECOVERY_SESSIONS.PID.in(pids))
        .fetchMap(
            RECOVERY_SESSIONS.PID,
            r ->
                new Session(
                    r.getPid(), r.getUserId(), r.getBaseSeq(), r.getLastSeenAt().toInstant()));
  }

  /**
   * Starts sessions. A session's replay without an offset starts just before the user's oldest
   * undelivered message (what its first connection will be sent), else after the last offset.
   */
  public static void start(DSLContext tx, Map<String, String> userByPid, Instant now) {
    if (userByPid.isEmpty()) {
      return;
    }
    OffsetDateTime at = MessageStore.odt(now);
    Field<String> user = val((String) null);
    Field<Long> beforeUndelivered =
        DSL.field(
            select(min(MESSAGES.RECIPIENT_SEQ).minus(DSL.inline(1L)))
                .from(MESSAGES)
                .where(MESSAGES.RECIPIENT_ID.eq(user))
                .and(MESSAGES.DELIVERED_AT.isNull()));
    Field<Long> lastSeq = DSL.field(select(USERS.LAST_SEQ).from(USERS).where(USERS.ID.eq(user)));
    Field<Long> base = coalesce(beforeUndelivered, lastSeq);
    BatchBindStep insert =
        tx.batch(
            tx.insertInto(
                    RECOVERY_SESSIONS,
                    RECOVERY_SESSIONS.PID,
                    RECOVERY_SESSIONS.USER_ID,
                    RECOVERY_SESSIONS.BASE_SEQ,
                    RECOVERY_SESSIONS.CREATED_AT,
                    RECOVERY_SESSIONS.LAST_SEEN_AT)
                .values(
                    val((String) null),
                    val((String) null),
                    base,
                    val((OffsetDateTime) null),
                    val((OffsetDateTime) null)));
    userByPid.forEach((pid, userId) -> insert.bind(pid, userId, userId, userId, at, at));
    insert.execute();
  }

  /** Marks sessions seen now. */
  public static void touch(DSLContext tx, Collection<String> pids, Instant now) {
    if (!pids.isEmpty()) {
      tx.update(RECOVERY_SESSIONS)
          .set(RECOVERY_SESSIONS.LAST_SEEN_AT, MessageStore.odt(now))
          .where(RECOVERY_SESSIONS.PID.in(pids))
          .execute();
    }
  }

  /** Deletes sessions not seen since the cutoff; returns how many. */
  public static int expire(DSLContext tx, Instant cutoff) {
    return tx.deleteFrom(RECOVERY_SESSIONS)
        .where(RECOVERY_SESSIONS.LAST_SEEN_AT.lt(MessageStore.odt(cutoff)))
        .execute();
  }
}
