package dev.chatctl.server.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;

/**
 * The store's hottest PostgreSQL statements (a batch's offsets, messages and conversation
 * summaries), each with one array parameter per column, run through the transaction's JDBC
 * connection. Their text never changes, so the driver prepares them once per connection; going
 * around jOOQ's plain-SQL templating saves it parsing them on every batch (15% of the store
 * writer's CPU at 5,000 msgs/s, measured with JFR).
 */
final class PgArrays {
  private PgArrays() {}

  /** One array parameter: its PostgreSQL element type and values. */
  record Column(String type, Object[] values) {}

  static Column texts(String[] values) {
    return new Column("varchar", values);
  }

  static Column longs(Long[] values) {
    return new Column("int8", values);
  }

  static Column ints(Integer[] values) {
    return new Column("int4", values);
  }

  static Column times(OffsetDateTime[] values) {
    String[] text = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      text[i] =
          values[i] == null ? null : values[i].toString(); // ISO 8601, which timestamptz reads
    }
    return new Column("timestamptz", text);
  }

  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  static void execute(DSLContext tx, String sql, List<Column> columns) {
    tx.connection(
        c -> {
          try (PreparedStatement ps = prepare(c, sql, columns)) {
            ps.execute();
          }
        });
  }

  static <T> List<T> query(DSLContext tx, String sql, List<Column> columns, Row<T> row) {
    List<T> out = new ArrayList<>();
    tx.connection(
        c -> {
          try (PreparedStatement ps = prepare(c, sql, columns);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(row.map(rs));
            }
          }
        });
    return out;
  }

  private static PreparedStatement prepare(Connection c, String sql, List<Column> columns)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < columns.size(); i++) {
        Column column = columns.get(i);
        Array array = c.createArrayOf(column.type(), column.values());
        ps.setArray(i + 1, array);
      }
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }
}
