package dev.chatctl.server.store;

import static dev.chatctl.db.Sequences.MESSAGES_SEQ;
import static dev.chatctl.db.Tables.CONVERSATIONS;
import static dev.chatctl.db.Tables.MESSAGES;
import static org.jooq.impl.DSL.val;

import dev.chatctl.db.tables.records.MessagesRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStep10;
import org.jooq.SQLDialect;

/**
 * Inserting a batch's messages and keeping their conversation summaries: on PostgreSQL one
 * statement with one array per column, on H2 a multi-row insert and a batched upsert.
 */
final class MessageInsert {

  private MessageInsert() {}

  /**
   * Stores a batch's messages and keeps the conversation summaries ({@link #insert}, {@link
   * #summarize}); on PostgreSQL both in one statement, one round trip.
   */
  static void store(DSLContext tx, List<StoredMessage> messages) {
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
  private static void insert(DSLContext tx, List<StoredMessage> messages) {
    InsertValuesStep10<
            MessagesRecord,
            String,
            String,
            String,
            String,
            String,
            String,
            OffsetDateTime,
            Long,
            Long,
            OffsetDateTime>
        insert =
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
    for (StoredMessage m : messages) {
      insert =
          insert.values(
              val(m.id()),
              val(m.senderId()),
              val(m.recipientId()),
              val(m.content()),
              val(m.sessionId(), MESSAGES.SESSION_ID),
              val(m.clientMessageId(), MESSAGES.CLIENT_MESSAGE_ID),
              val(MessageStore.odt(m.createdAt()), MESSAGES.CREATED_AT),
              nextSeq,
              val(m.recipientSeq()),
              val(MessageStore.odt(m.deliveredAt()), MESSAGES.DELIVERED_AT));
    }
    insert.execute();
  }

  /**
   * PostgreSQL: the same insert with one array per column ({@code unnest}), so the statement has
   * nine parameters whatever the batch size: its text is the same every time (parsed and planned
   * once per connection, not once per batch), and neither side renders or binds thousands of
   * values. {@code seq} is taken after the ordering, so store order still follows the list.
   */
  private static final String INSERT_UNNEST =
      "insert into messages (id, sender_id, recipient_id, content, session_id, client_message_id, created_at, seq, recipient_seq, delivered_at) "
          + "select t.id, t.s, t.r, t.c, t.sid, t.cid, t.ca, nextval('messages_seq'), t.rs, t.da "
          + "from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], "
          + "?::timestamptz[], ?::bigint[], ?::timestamptz[]) with ordinality as t(id, s, r, c, sid, cid, ca, rs, da, ord) "
          + "order by t.ord";

  /** The nine column arrays of {@link #INSERT_UNNEST}. */
  private static List<PgArrays.Column> messageArrays(List<StoredMessage> messages) {
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
      StoredMessage m = messages.get(i);
      ids[i] = m.id();
      senders[i] = m.senderId();
      recipients[i] = m.recipientId();
      contents[i] = m.content();
      sessions[i] = m.sessionId();
      clientIds[i] = m.clientMessageId();
      created[i] = MessageStore.odt(m.createdAt());
      recipientSeqs[i] = m.recipientSeq();
      delivered[i] = MessageStore.odt(m.deliveredAt());
    }
    return List.of(
        PgArrays.texts(ids),
        PgArrays.texts(senders),
        PgArrays.texts(recipients),
        PgArrays.texts(contents),
        PgArrays.texts(sessions),
        PgArrays.texts(clientIds),
        PgArrays.times(created),
        PgArrays.longs(recipientSeqs),
        PgArrays.times(delivered));
  }

  /**
   * Keeps the conversation summary of newly stored messages: the last message of each (user, other
   * user) pair, both ways, and the recipient's unread count.
   */
  private static void summarize(DSLContext tx, List<StoredMessage> messages) {
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
                .set(
                    CONVERSATIONS.UNREAD_COUNT,
                    CONVERSATIONS.UNREAD_COUNT.plus(val((Integer) null))));
    for (ConversationUpdate u : updates) {
      OffsetDateTime at = MessageStore.odt(u.last().createdAt());
      upsert.bind(
          u.userId(), u.peerId(), u.last().id(), at, u.unread(), u.last().id(), at, u.unread());
    }
    upsert.execute();
  }

  private record ConversationUpdate(String userId, String peerId, StoredMessage last, int unread) {}

  /**
   * The summary changes of a batch: the last message of each (user, peer) pair, both ways, and
   * unread counts.
   */
  private static List<ConversationUpdate> conversationUpdates(List<StoredMessage> messages) {
    record Pair(String userId, String peerId) {}
    record Summary(StoredMessage last, int unread) {}
    Map<Pair, Summary> pairs = new LinkedHashMap<>();
    for (StoredMessage m : messages) {
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
    pairs.forEach(
        (p, s) -> out.add(new ConversationUpdate(p.userId(), p.peerId(), s.last(), s.unread())));
    return out;
  }

  private static final String UPSERT_CONVERSATIONS_UNNEST =
      "insert into conversations (user_id, peer_id, last_message_id, last_at, unread_count) "
          + "select * from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::integer[]) "
          + "on conflict (user_id, peer_id) do update set last_message_id = excluded.last_message_id, "
          + "last_at = excluded.last_at, unread_count = conversations.unread_count + excluded.unread_count";

  /** Both statements in one: the messages (a data-modifying CTE), then the summaries. */
  private static final String STORE_UNNEST =
      "with stored as (" + INSERT_UNNEST + ") " + UPSERT_CONVERSATIONS_UNNEST;

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
      lastAt[i] = MessageStore.odt(u.last().createdAt());
      unread[i] = u.unread();
    }
    return List.of(
        PgArrays.texts(users),
        PgArrays.texts(peers),
        PgArrays.texts(lastIds),
        PgArrays.times(lastAt),
        PgArrays.ints(unread));
  }
}
