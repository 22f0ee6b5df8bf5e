package dev.chatctl.server.store;

import static dev.chatctl.db.Tables.CONVERSATIONS;
import static dev.chatctl.db.Tables.MESSAGES;
import static dev.chatctl.db.Tables.USERS;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.val;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** The writes to stored messages: recipients' offsets, and the delivered and read marks. */
public final class MessageWrites {

  private MessageWrites() {}

  /**
   * Takes {@code count} offsets for each recipient: adds to its {@code users.last_seq} under the
   * row's lock (held to commit, so offsets grow in commit order). Recipients are locked in id
   * order, so two writers never deadlock. Returns each existing recipient's new last_seq; a
   * recipient missing from the answer is not in the directory.
   */
  public static Map<String, Long> takeOffsets(
      DSLContext tx, Map<String, Integer> countByRecipient) {
    if (countByRecipient.isEmpty()) {
      return Map.of();
    }
    List<String> ids = new ArrayList<>(countByRecipient.keySet());
    ids.sort(null);
    if (tx.dialect().family() == SQLDialect.POSTGRES) {
      // one round trip: lock the rows in id order first (the CTE), then add and return
      Long[] counts = new Long[ids.size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = (long) countByRecipient.get(ids.get(i));
      }
      String[] idArray = ids.toArray(String[]::new);
      Map<String, Long> out = new HashMap<>();
      for (Map.Entry<String, Long> e :
          PgArrays.query(
              tx,
              "with locked as (select id from users where id = any(?::varchar[]) order by id for update) "
                  + "update users set last_seq = users.last_seq + t.n "
                  + "from unnest(?::varchar[], ?::bigint[]) as t(id, n), locked "
                  + "where users.id = t.id and locked.id = t.id returning users.id, users.last_seq",
              List.of(PgArrays.texts(idArray), PgArrays.texts(idArray), PgArrays.longs(counts)),
              rs -> Map.entry(rs.getString(1), rs.getLong(2)))) {
        out.put(e.getKey(), e.getValue());
      }
      return out;
    }
    BatchBindStep update =
        tx.batch(
            tx.update(USERS)
                .set(USERS.LAST_SEQ, USERS.LAST_SEQ.plus(val((Long) null)))
                .where(USERS.ID.eq((String) null)));
    for (String id : ids) {
      update.bind((long) countByRecipient.get(id), id);
    }
    int[] counts = update.execute();
    List<String> existing = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (counts[i] != 0) {
        existing.add(ids.get(i));
      }
    }
    if (existing.isEmpty()) {
      return Map.of();
    }
    return tx.select(USERS.ID, USERS.LAST_SEQ)
        .from(USERS)
        .where(USERS.ID.in(existing))
        .fetchMap(USERS.ID, USERS.LAST_SEQ);
  }

  public static void markDelivered(DSLContext tx, Collection<String> ids, Instant at) {
    if (!ids.isEmpty()) {
      tx.update(MESSAGES)
          .set(MESSAGES.DELIVERED_AT, MessageStore.odt(at))
          .where(MESSAGES.ID.in(ids))
          .and(MESSAGES.DELIVERED_AT.isNull())
          .execute();
    }
  }

  public static void unmarkDelivered(DSLContext tx, Collection<String> ids) {
    if (!ids.isEmpty()) {
      tx.update(MESSAGES)
          .setNull(MESSAGES.DELIVERED_AT)
          .where(MESSAGES.ID.in(ids))
          .and(MESSAGES.READ_AT.isNull())
          .execute();
    }
  }

  /**
   * Marks the reader's own received messages read (a read message counts as delivered too); others,
   * and those read already, are left alone. Returns the newly read, in the given order.
   */
  public static List<ReadMark> markRead(
      DSLContext tx, String readerId, List<String> ids, Instant at) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, String> senders =
        tx.select(MESSAGES.ID, MESSAGES.SENDER_ID)
            .from(MESSAGES)
            .where(MESSAGES.RECIPIENT_ID.eq(readerId))
            .and(MESSAGES.ID.in(ids))
            .and(MESSAGES.READ_AT.isNull())
            .forUpdate()
            .fetchMap(MESSAGES.ID, MESSAGES.SENDER_ID);
    if (senders.isEmpty()) {
      return List.of();
    }
    tx.update(MESSAGES)
        .set(MESSAGES.READ_AT, MessageStore.odt(at))
        .set(MESSAGES.DELIVERED_AT, DSL.coalesce(MESSAGES.DELIVERED_AT, val(MessageStore.odt(at))))
        .where(MESSAGES.ID.in(senders.keySet()))
        .execute();
    Map<String, Integer> bySender = new HashMap<>();
    senders.values().forEach(s -> bySender.merge(s, 1, Integer::sum));
    BatchBindStep unread =
        tx.batch(
            tx.update(CONVERSATIONS)
                .set(
                    CONVERSATIONS.UNREAD_COUNT,
                    greatest(CONVERSATIONS.UNREAD_COUNT.minus(val((Integer) null)), DSL.inline(0)))
                .where(CONVERSATIONS.USER_ID.eq((String) null))
                .and(CONVERSATIONS.PEER_ID.eq((String) null)));
    bySender.forEach((sender, n) -> unread.bind(n, readerId, sender));
    unread.execute();
    List<ReadMark> marks = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      String sender = senders.get(id);
      if (sender != null) {
        marks.add(new ReadMark(id, sender));
      }
    }
    return marks;
  }
}
