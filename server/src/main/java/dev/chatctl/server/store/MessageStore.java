package dev.chatctl.server.store;

import static dev.chatctl.db.Tables.CONVERSATIONS;
import static dev.chatctl.db.Tables.MESSAGES;
import static org.jooq.impl.DSL.row;

import dev.chatctl.db.tables.records.MessagesRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Row2;
import org.jooq.SelectLimitPercentStep;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Reading stored messages: by client key, backlogs, history pages and conversations (writes are in
 * {@link MessageWrites} and {@link MessageInsert}). Each method runs on the context it is given, so
 * the writer can compose several in one transaction.
 */
public final class MessageStore {

  private MessageStore() {}

  /** A (sender, clientMessageId) pair: what makes a retried send the same message. */
  public record ClientKey(String senderId, String clientMessageId) {}

  static OffsetDateTime odt(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime odt) {
    return odt == null ? null : odt.toInstant();
  }

  static StoredMessage toStored(Record r) {
    MessagesRecord m = r.into(MESSAGES);
    return new StoredMessage(
        m.getId(),
        m.getSenderId(),
        m.getRecipientId(),
        m.getContent(),
        m.getSessionId(),
        m.getClientMessageId(),
        instant(m.getCreatedAt()),
        m.getRecipientSeq(),
        instant(m.getDeliveredAt()),
        instant(m.getReadAt()));
  }

  /** Messages already stored under these (sender, clientMessageId) pairs. */
  public static Map<ClientKey, StoredMessage> findByClientKeys(
      DSLContext tx, Collection<ClientKey> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    List<Row2<String, String>> rows = new ArrayList<>(keys.size());
    for (ClientKey k : keys) {
      rows.add(row(k.senderId(), k.clientMessageId()));
    }
    Map<ClientKey, StoredMessage> found = new HashMap<>();
    for (Record r :
        tx.selectFrom(MESSAGES)
            .where(row(MESSAGES.SENDER_ID, MESSAGES.CLIENT_MESSAGE_ID).in(rows))
            .fetch()) {
      StoredMessage m = toStored(r);
      found.put(new ClientKey(m.senderId(), m.clientMessageId()), m);
    }
    return found;
  }

  /**
   * The undelivered messages of these users, each user's oldest first, at most {@code limit} in
   * all, after {@code afterSeq} for each.
   */
  public static List<StoredMessage> undelivered(
      DSLContext tx, Map<String, Long> afterSeqByUser, int limit) {
    if (afterSeqByUser.isEmpty()) {
      return List.of();
    }
    Condition users = DSL.noCondition();
    List<Condition> each = new ArrayList<>();
    for (Map.Entry<String, Long> e : afterSeqByUser.entrySet()) {
      each.add(MESSAGES.RECIPIENT_ID.eq(e.getKey()).and(MESSAGES.RECIPIENT_SEQ.gt(e.getValue())));
    }
    users = DSL.or(each);
    return tx.selectFrom(MESSAGES)
        .where(MESSAGES.DELIVERED_AT.isNull())
        .and(users)
        .orderBy(MESSAGES.RECIPIENT_ID, MESSAGES.RECIPIENT_SEQ)
        .limit(limit)
        .fetch(MessageStore::toStored);
  }

  /** A user's messages after an offset (a recovered session's replay), oldest first. */
  public static List<StoredMessage> after(DSLContext tx, String userId, long afterSeq, int limit) {
    return tx.selectFrom(MESSAGES)
        .where(MESSAGES.RECIPIENT_ID.eq(userId))
        .and(MESSAGES.RECIPIENT_SEQ.gt(afterSeq))
        .orderBy(MESSAGES.RECIPIENT_SEQ)
        .limit(limit)
        .fetch(MessageStore::toStored);
  }

  /** One page of a conversation, oldest first, and whether older messages exist. */
  public record HistoryPage(List<StoredMessage> messages, boolean hasMore) {}

  /**
   * The {@code limit} messages between two users before {@code beforeId} (else the newest), in
   * store order; null when {@code beforeId} is not a message of this conversation.
   */
  public static HistoryPage history(
      DSLContext dsl, String userId, String withUserId, String beforeId, int limit) {
    long before = Long.MAX_VALUE;
    if (beforeId != null) {
      Long seq =
          dsl.select(MESSAGES.SEQ)
              .from(MESSAGES)
              .where(MESSAGES.ID.eq(beforeId))
              .and(between(userId, withUserId))
              .fetchOne(MESSAGES.SEQ);
      if (seq == null) {
        return null;
      }
      before = seq;
    }
    SelectLimitPercentStep<MessagesRecord> sent =
        direction(dsl, userId, withUserId, before, limit + 1);
    List<StoredMessage> newestFirst;
    if (userId.equals(withUserId)) {
      newestFirst = sent.fetch(MessageStore::toStored);
    } else {
      Table<MessagesRecord> both =
          sent.unionAll(direction(dsl, withUserId, userId, before, limit + 1)).asTable("page");
      newestFirst =
          dsl.selectFrom(both)
              .orderBy(both.field(MESSAGES.SEQ).desc())
              .limit(limit + 1)
              .fetch(MessageStore::toStored);
    }
    boolean hasMore = newestFirst.size() > limit;
    List<StoredMessage> page =
        new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    Collections.reverse(page);
    return new HistoryPage(page, hasMore);
  }

  private static SelectLimitPercentStep<MessagesRecord> direction(
      DSLContext dsl, String from, String to, long beforeSeq, int limit) {
    return dsl.selectFrom(MESSAGES)
        .where(MESSAGES.SENDER_ID.eq(from))
        .and(MESSAGES.RECIPIENT_ID.eq(to))
        .and(MESSAGES.SEQ.lt(beforeSeq))
        .orderBy(MESSAGES.SEQ.desc())
        .limit(limit);
  }

  private static Condition between(String a, String b) {
    return MESSAGES
        .SENDER_ID
        .eq(a)
        .and(MESSAGES.RECIPIENT_ID.eq(b))
        .or(MESSAGES.SENDER_ID.eq(b).and(MESSAGES.RECIPIENT_ID.eq(a)));
  }

  /** A conversation as conversation:list shows it. */
  public record Conversation(String userId, StoredMessage lastMessage, int unreadCount) {}

  /** A user's conversations, most recent first. */
  public static List<Conversation> conversations(DSLContext dsl, String userId) {
    return dsl.select()
        .from(CONVERSATIONS)
        .join(MESSAGES)
        .on(MESSAGES.ID.eq(CONVERSATIONS.LAST_MESSAGE_ID))
        .where(CONVERSATIONS.USER_ID.eq(userId))
        .orderBy(CONVERSATIONS.LAST_AT.desc(), CONVERSATIONS.LAST_MESSAGE_ID.desc())
        .fetch(
            r ->
                new Conversation(
                    r.get(CONVERSATIONS.PEER_ID), toStored(r), r.get(CONVERSATIONS.UNREAD_COUNT)));
  }

  public static int count(DSLContext dsl) {
    return dsl.fetchCount(MESSAGES);
  }
}
