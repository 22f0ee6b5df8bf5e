package dev.chatctl.server.store;

import static dev.chatctl.db.Sequences.MESSAGES_SEQ;
import static dev.chatctl.db.Tables.CONVERSATIONS;
import static dev.chatctl.db.Tables.MESSAGES;
import static dev.chatctl.db.Tables.USERS;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.val;

import dev.chatctl.db.tables.records.MessagesRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStep10;
import org.jooq.Record;
import org.jooq.Row2;
import org.jooq.SelectLimitPercentStep;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The SQL of messages and their conversation summary. Each method runs on the context it is given,
 * so the writer can compose several in one transaction.
 */
public final class MessageStore {

  private MessageStore() {}

  /** A (sender, clientMessageId) pair: what makes a retried send the same message. */
  public record ClientKey(String senderId, String clientMessageId) {}

  /** A message about to be inserted; ids, times and offsets are decided by the writer. */
  public record NewMessage(
      String id,
      String senderId,
      String recipientId,
      String content,
      String sessionId,
      String clientMessageId,
      Instant createdAt,
      long recipientSeq,
      Instant deliveredAt) {

    StoredMessage stored() {
      return new StoredMessage(id, senderId, recipientId, content, sessionId, clientMessageId, createdAt, recipientSeq, deliveredAt, null);
    }
  }

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
  public static Map<ClientKey, StoredMessage> findByClientKeys(DSLContext tx, Collection<ClientKey> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    List<Row2<String, String>> rows = new ArrayList<>(keys.size());
    for (ClientKey k : keys) {
      rows.add(row(k.senderId(), k.clientMessageId()));
    }
    Map<ClientKey, StoredMessage> found = new HashMap<>();
    for (Record r : tx.selectFrom(MESSAGES).where(row(MESSAGES.SENDER_ID, MESSAGES.CLIENT_MESSAGE_ID).in(rows)).fetch()) {
      StoredMessage m = toStored(r);
      found.put(new ClientKey(m.senderId(), m.clientMessageId()), m);
    }
    return found;
  }

  /**
   * Takes {@code count} offsets for each recipient: adds to its {@code users.last_seq} under the
   * row's lock (held to commit, so offsets grow in commit order). Recipients are locked in id
   * order, so two writers never deadlock. Returns each existing recipient's new last_seq; a
   * recipient missing from the answer is not in the directory.
   */
  public static Map<String, Long> takeOffsets(DSLContext tx, Map<String, Integer> countByRecipient) {
    if (countByRecipient.isEmpty()) {
      return Map.of();
    }
    List<String> ids = new ArrayList<>(countByRecipient.keySet());
    ids.sort(null);
    BatchBindStep update =
        tx.batch(tx.update(USERS).set(USERS.LAST_SEQ, USERS.LAST_SEQ.plus(val((Long) null))).where(USERS.ID.eq((String) null)));
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
    return tx.select(USERS.ID, USERS.LAST_SEQ).from(USERS).where(USERS.ID.in(existing)).fetchMap(USERS.ID, USERS.LAST_SEQ);
  }

  /** Inserts messages in one statement; their store order ({@code seq}) follows the list. */
  public static void insert(DSLContext tx, List<NewMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    InsertValuesStep10<MessagesRecord, String, String, String, String, String, String, OffsetDateTime, Long, Long, OffsetDateTime> insert =
        tx.insertInto(
            MESSAGES,
            MESSAGES.ID,
            MESSAGES.SENDER_ID,
            MESSAGES.RECIPIENT_ID,
            MESSAGES.CONTENT,
            MESSAGES.SESSION_ID,
            MESSAGES.CLIENT_MESSAGE_ID,
            MESSAGES.CREATED_AT,
            MESSAGES.SEQ,
            MESSAGES.RECIPIENT_SEQ,
            MESSAGES.DELIVERED_AT);
    Field<Long> nextSeq = MESSAGES_SEQ.nextval();
    for (NewMessage m : messages) {
      insert =
          insert.values(
              val(m.id()),
              val(m.senderId()),
              val(m.recipientId()),
              val(m.content()),
              val(m.sessionId(), MESSAGES.SESSION_ID),
              val(m.clientMessageId(), MESSAGES.CLIENT_MESSAGE_ID),
              val(odt(m.createdAt()), MESSAGES.CREATED_AT),
              nextSeq,
              val(m.recipientSeq()),
              val(odt(m.deliveredAt()), MESSAGES.DELIVERED_AT));
    }
    insert.execute();
  }

  /**
   * Keeps the conversation summary of newly stored messages: the last message of each (user,
   * other user) pair, both ways, and the recipient's unread count.
   */
  public static void summarize(DSLContext tx, List<NewMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    record Pair(String userId, String peerId) {}
    record Summary(NewMessage last, int unread) {}
    Map<Pair, Summary> pairs = new LinkedHashMap<>();
    for (NewMessage m : messages) {
      Pair sent = new Pair(m.senderId(), m.recipientId());
      Summary s = pairs.get(sent);
      boolean self = m.senderId().equals(m.recipientId());
      pairs.put(sent, new Summary(m, (s == null ? 0 : s.unread()) + (self ? 1 : 0)));
      if (!self) {
        Pair received = new Pair(m.recipientId(), m.senderId());
        Summary r = pairs.get(received);
        pairs.put(received, new Summary(m, (r == null ? 0 : r.unread()) + 1));
      }
    }
    BatchBindStep upsert =
        tx.batch(
            tx.insertInto(
                    CONVERSATIONS,
                    CONVERSATIONS.USER_ID,
                    CONVERSATIONS.PEER_ID,
                    CONVERSATIONS.LAST_MESSAGE_ID,
                    CONVERSATIONS.LAST_AT,
                    CONVERSATIONS.UNREAD_COUNT)
                .values((String) null, null, null, null, null)
                .onDuplicateKeyUpdate()
                .set(CONVERSATIONS.LAST_MESSAGE_ID, val((String) null))
                .set(CONVERSATIONS.LAST_AT, val((OffsetDateTime) null))
                .set(CONVERSATIONS.UNREAD_COUNT, CONVERSATIONS.UNREAD_COUNT.plus(val((Integer) null))));
    for (Map.Entry<Pair, Summary> e : pairs.entrySet()) {
      NewMessage last = e.getValue().last();
      OffsetDateTime at = odt(last.createdAt());
      int unread = e.getValue().unread();
      upsert.bind(e.getKey().userId(), e.getKey().peerId(), last.id(), at, unread, last.id(), at, unread);
    }
    upsert.execute();
  }

  /**
   * The undelivered messages of these users, each user's oldest first, at most {@code limit} in
   * all, after {@code afterSeq} for each.
   */
  public static List<StoredMessage> undelivered(DSLContext tx, Map<String, Long> afterSeqByUser, int limit) {
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

  public static void markDelivered(DSLContext tx, Collection<String> ids, Instant at) {
    if (!ids.isEmpty()) {
      tx.update(MESSAGES)
          .set(MESSAGES.DELIVERED_AT, odt(at))
          .where(MESSAGES.ID.in(ids))
          .and(MESSAGES.DELIVERED_AT.isNull())
          .execute();
    }
  }

  public static void unmarkDelivered(DSLContext tx, Collection<String> ids) {
    if (!ids.isEmpty()) {
      tx.update(MESSAGES).setNull(MESSAGES.DELIVERED_AT).where(MESSAGES.ID.in(ids)).and(MESSAGES.READ_AT.isNull()).execute();
    }
  }

  /** A message newly marked read: who sent it. */
  public record ReadMark(String id, String senderId) {}

  /**
   * Marks the reader's own received messages read (a read message counts as delivered too);
   * others, and those read already, are left alone. Returns the newly read, in the given order.
   */
  public static List<ReadMark> markRead(DSLContext tx, String readerId, List<String> ids, Instant at) {
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
        .set(MESSAGES.READ_AT, odt(at))
        .set(MESSAGES.DELIVERED_AT, DSL.coalesce(MESSAGES.DELIVERED_AT, val(odt(at))))
        .where(MESSAGES.ID.in(senders.keySet()))
        .execute();
    Map<String, Integer> bySender = new HashMap<>();
    senders.values().forEach(s -> bySender.merge(s, 1, Integer::sum));
    BatchBindStep unread =
        tx.batch(
            tx.update(CONVERSATIONS)
                .set(CONVERSATIONS.UNREAD_COUNT, greatest(CONVERSATIONS.UNREAD_COUNT.minus(val((Integer) null)), DSL.inline(0)))
                .where(CONVERSATIONS.USER_ID.eq((String) null))
                .and(CONVERSATIONS.PEER_ID.eq((String) null)));
    bySender.forEach((sender, n) -> unread.bind(n, readerId, sender));
    unread.execute();
    List<ReadMark> marks = new ArrayList<>();
    for (String id : new java.util.LinkedHashSet<>(ids)) {
      String sender = senders.get(id);
      if (sender != null) {
        marks.add(new ReadMark(id, sender));
      }
    }
    return marks;
  }

  /** One page of a conversation, oldest first, and whether older messages exist. */
  public record HistoryPage(List<StoredMessage> messages, boolean hasMore) {}

  /**
   * The {@code limit} messages between two users before {@code beforeId} (else the newest), in
   * store order; null when {@code beforeId} is not a message of this conversation.
   */
  public static HistoryPage history(DSLContext dsl, String userId, String withUserId, String beforeId, int limit) {
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
    SelectLimitPercentStep<MessagesRecord> sent = direction(dsl, userId, withUserId, before, limit + 1);
    List<StoredMessage> newestFirst;
    if (userId.equals(withUserId)) {
      newestFirst = sent.fetch(MessageStore::toStored);
    } else {
      Table<MessagesRecord> both =
          sent.unionAll(direction(dsl, withUserId, userId, before, limit + 1)).asTable("page");
      newestFirst =
          dsl.selectFrom(both).orderBy(both.field(MESSAGES.SEQ).desc()).limit(limit + 1).fetch(MessageStore::toStored);
    }
    boolean hasMore = newestFirst.size() > limit;
    List<StoredMessage> page = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    java.util.Collections.reverse(page);
    return new HistoryPage(page, hasMore);
  }

  private static SelectLimitPercentStep<MessagesRecord> direction(DSLContext dsl, String from, String to, long beforeSeq, int limit) {
    return dsl.selectFrom(MESSAGES)
        .where(MESSAGES.SENDER_ID.eq(from))
        .and(MESSAGES.RECIPIENT_ID.eq(to))
        .and(MESSAGES.SEQ.lt(beforeSeq))
        .orderBy(MESSAGES.SEQ.desc())
        .limit(limit);
  }

  private static Condition between(String a, String b) {
    return MESSAGES.SENDER_ID.eq(a).and(MESSAGES.RECIPIENT_ID.eq(b)).or(MESSAGES.SENDER_ID.eq(b).and(MESSAGES.RECIPIENT_ID.eq(a)));
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
        .fetch(r -> new Conversation(r.get(CONVERSATIONS.PEER_ID), toStored(r), r.get(CONVERSATIONS.UNREAD_COUNT)));
  }

  public static int count(DSLContext dsl) {
    return dsl.fetchCount(MESSAGES);
  }
}
