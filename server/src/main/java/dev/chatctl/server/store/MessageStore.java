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
import org.jooq.SQLDialect;
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
    if (tx.dialect().family() == SQLDialect.POSTGRES) {
      // one round trip: lock the rows in id order first (the CTE), then add and return
      Long[] counts = new Long[ids.size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = (long) countByRecipient.get(ids.get(i));
      }
      String[] idArray = ids.toArray(String[]::new);
      Map<String, Long> out = new HashMap<>();
      for (Map.Entry<String, Long> e : PgArrays.query(tx,
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

  /**
   * Stores a batch's messages and keeps the conversation summaries ({@link #insert}, {@link
   * #summarize}); on PostgreSQL both in one statement, one round trip.
   */
  public static void store(DSLContext tx, List<NewMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    if (tx.dialect().family() != SQLDialect.POSTGRES) {
      insert(tx, messages);
      summarize(tx, messages);
      return;
    }
    List<ConversationUpdate> updates = conversationUpdates(messages);
    List<PgArrays.Column> columns = new ArrayList<>(messageArrays(messages));
    columns.addAll(conversationArrays(updates));
    PgArrays.execute(tx, STORE_UNNEST, columns);
  }

  /** Inserts messages in one statement (H2); their store order ({@code seq}) follows the list. */
  private static void insert(DSLContext tx, List<NewMessage> messages) {
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
   * PostgreSQL: the same insert with one array per column ({@code unnest}), so the statement has nine
   * parameters whatever the batch size: its text is the same every time (parsed and planned once
   * per connection, not once per batch), and neither side renders or binds thousands of values.
   * {@code seq} is taken after the ordering, so store order still follows the list.
   */
  private static final String INSERT_UNNEST =
      "insert into messages (id, sender_id, recipient_id, content, session_id, client_message_id, created_at, seq, recipient_seq, delivered_at) "
          + "select t.id, t.s, t.r, t.c, t.sid, t.cid, t.ca, nextval('messages_seq'), t.rs, t.da "
          + "from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], "
          + "?::timestamptz[], ?::bigint[], ?::timestamptz[]) with ordinality as t(id, s, r, c, sid, cid, ca, rs, da, ord) "
          + "order by t.ord";

  /** The nine column arrays of {@link #INSERT_UNNEST}. */
  private static List<PgArrays.Column> messageArrays(List<NewMessage> messages) {
    int n = messages.size();
    String[] ids = new String[n];
    String[] senders = new String[n];
    String[] recipients = new String[n];
    String[] contents = new String[n];
    String[] sessions = new String[n];
    String[] clientIds = new String[n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    Long[] recipientSeqs = new Long[n];
    OffsetDateTime[] delivered = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      NewMessage m = messages.get(i);
      ids[i] = m.id();
      senders[i] = m.senderId();
      recipients[i] = m.recipientId();
      contents[i] = m.content();
      sessions[i] = m.sessionId();
      clientIds[i] = m.clientMessageId();
      created[i] = odt(m.createdAt());
      recipientSeqs[i] = m.recipientSeq();
      delivered[i] = odt(m.deliveredAt());
    }
    return List.of(PgArrays.texts(ids), PgArrays.texts(senders), PgArrays.texts(recipients), PgArrays.texts(contents),
        PgArrays.texts(sessions), PgArrays.texts(clientIds), PgArrays.times(created), PgArrays.longs(recipientSeqs), PgArrays.times(delivered));
  }

  /**
   * Keeps the conversation summary of newly stored messages: the last message of each (user,
   * other user) pair, both ways, and the recipient's unread count.
   */
  private static void summarize(DSLContext tx, List<NewMessage> messages) {
    List<ConversationUpdate> updates = conversationUpdates(messages);
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
    for (ConversationUpdate u : updates) {
      OffsetDateTime at = odt(u.last().createdAt());
      upsert.bind(u.userId(), u.peerId(), u.last().id(), at, u.unread(), u.last().id(), at, u.unread());
    }
    upsert.execute();
  }

  private record ConversationUpdate(String userId, String peerId, NewMessage last, int unread) {}

  /** The summary changes of a batch: the last message of each (user, peer) pair, both ways, and unread counts. */
  private static List<ConversationUpdate> conversationUpdates(List<NewMessage> messages) {
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
    List<ConversationUpdate> out = new ArrayList<>(pairs.size());
    pairs.forEach((p, s) -> out.add(new ConversationUpdate(p.userId(), p.peerId(), s.last(), s.unread())));
    return out;
  }

  private static final String UPSERT_CONVERSATIONS_UNNEST =
      "insert into conversations (user_id, peer_id, last_message_id, last_at, unread_count) "
          + "select * from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::integer[]) "
          + "on conflict (user_id, peer_id) do update set last_message_id = excluded.last_message_id, "
          + "last_at = excluded.last_at, unread_count = conversations.unread_count + excluded.unread_count";

  /** Both statements in one: the messages (a data-modifying CTE), then the summaries. */
  private static final String STORE_UNNEST = "with stored as (" + INSERT_UNNEST + ") " + UPSERT_CONVERSATIONS_UNNEST;

  /** The five column arrays of {@link #UPSERT_CONVERSATIONS_UNNEST}. */
  private static List<PgArrays.Column> conversationArrays(List<ConversationUpdate> updates) {
    int n = updates.size();
    String[] users = new String[n];
    String[] peers = new String[n];
    String[] lastIds = new String[n];
    OffsetDateTime[] lastAt = new OffsetDateTime[n];
    Integer[] unread = new Integer[n];
    for (int i = 0; i < n; i++) {
      ConversationUpdate u = updates.get(i);
      users[i] = u.userId();
      peers[i] = u.peerId();
      lastIds[i] = u.last().id();
      lastAt[i] = odt(u.last().createdAt());
      unread[i] = u.unread();
    }
    return List.of(PgArrays.texts(users), PgArrays.texts(peers), PgArrays.texts(lastIds), PgArrays.times(lastAt), PgArrays.ints(unread));
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
