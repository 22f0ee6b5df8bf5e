package db.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills the delivery columns of V2 for the messages stored before it: store order ({@code seq}) and
 * per-recipient offsets ({@code recipient_seq}) in (created_at, id) order; such messages count as
 * delivered when they were stored (the foundation wrote every message to the recipient's open
 * sockets, and kept no record of it) and unread; users' {@code last_seq}; and the conversation
 * summary. A migration in Java because a join-update has no form that PostgreSQL and H2 both read:
 * PostgreSQL gets UPDATE ... FROM, H2 gets MERGE.
 */
public class V3__Backfill_delivery_columns extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    boolean postgres =
        connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    try (Statement sql = connection.createStatement()) {
      String order =
          "SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS seq,"
              + " ROW_NUMBER() OVER (PARTITION BY recipient_id ORDER BY created_at, id) AS recipient_seq"
              + " FROM messages";
      if (postgres) {
        sql.executeUpdate(
            "UPDATE messages m SET seq = o.seq, recipient_seq = o.recipient_seq,"
                + " delivered_at = COALESCE(m.delivered_at, m.created_at)"
                + " FROM ("
                + order
                + ") o WHERE m.id = o.id");
        sql.executeUpdate(
            "UPDATE users u SET last_seq = s.last_seq"
                + " FROM (SELECT recipient_id, MAX(recipient_seq) AS last_seq FROM messages GROUP BY recipient_id) s"
                + " WHERE u.id = s.recipient_id");
      } else {
        sql.executeUpdate(
            "MERGE INTO messages m USING ("
                + order
                + ") o ON (m.id = o.id)"
                + " WHEN MATCHED THEN UPDATE SET seq = o.seq, recipient_seq = o.recipient_seq,"
                + " delivered_at = COALESCE(m.delivered_at, m.created_at)");
        sql.executeUpdate(
            "MERGE INTO users u USING (SELECT recipient_id, MAX(recipient_seq) AS last_seq FROM messages GROUP BY recipient_id) s"
                + " ON (u.id = s.recipient_id) WHEN MATCHED THEN UPDATE SET last_seq = s.last_seq");
      }
      long next;
      try (ResultSet max = sql.executeQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM messages")) {
        max.next();
        next = max.getLong(1);
      }
      sql.execute("ALTER SEQUENCE messages_seq RESTART WITH " + next);
      sql.executeUpdate(
          "INSERT INTO conversations (user_id, peer_id, last_message_id, last_at, unread_count)"
              + " SELECT p.user_id, p.peer_id, p.id, p.created_at, COALESCE(u.unread, 0)"
              + " FROM (SELECT user_id, peer_id, id, created_at,"
              + "         ROW_NUMBER() OVER (PARTITION BY user_id, peer_id ORDER BY seq DESC) AS rn"
              + "       FROM (SELECT sender_id AS user_id, recipient_id AS peer_id, id, created_at, seq FROM messages"
              + "             UNION ALL"
              + "             SELECT recipient_id, sender_id, id, created_at, seq FROM messages"
              + "             WHERE recipient_id <> sender_id) x) p"
              + " LEFT JOIN (SELECT recipient_id, sender_id, COUNT(*) AS unread FROM messages"
              + "            WHERE read_at IS NULL GROUP BY recipient_id, sender_id) u"
              + "   ON u.recipient_id = p.user_id AND u.sender_id = p.peer_id"
              + " WHERE p.rn = 1");
    }
  }
}
