package dev.chatctl.server.store;

import static dev.chatctl.db.Tables.USERS;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.lower;
import static org.jooq.impl.DSL.val;

import dev.chatctl.db.tables.records.UsersRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** The user directory: who can be messaged, and the names and pictures shown for them. */
public final class UserStore {

  private UserStore() {}

  /**
   * Inserts or updates users from their tokens: a claim the token lacks keeps the stored value.
   * Returns the directory entries as stored.
   */
  public static Map<String, UserRecord> upsert(
      DSLContext tx, Collection<Profile> profiles, OffsetDateTime now) {
    if (profiles.isEmpty()) {
      return Map.of();
    }
    BatchBindStep updates =
        tx.batch(
            tx.update(USERS)
                .set(USERS.NAME, coalesce(val((String) null), USERS.NAME))
                .set(USERS.EMAIL, coalesce(val((String) null), USERS.EMAIL))
                .set(USERS.IMAGE, coalesce(val((String) null), USERS.IMAGE))
                .set(USERS.UPDATED_AT, val((OffsetDateTime) null))
                .where(USERS.ID.eq((String) null)));
    List<Profile> list = List.copyOf(profiles);
    for (Profile i : list) {
      updates.bind(clean(i.name()), clean(i.email()), clean(i.picture()), now, i.userId());
    }
    int[] counts = updates.execute();
    List<Profile> missing = new ArrayList<>();
    for (int k = 0; k < list.size(); k++) {
      if (counts[k] == 0) {
        missing.add(list.get(k));
      }
    }
    if (!missing.isEmpty()) {
      var insert =
          tx.insertInto(
              USERS,
              USERS.ID,
              USERS.NAME,
              USERS.EMAIL,
              USERS.IMAGE,
              USERS.CREATED_AT,
              USERS.UPDATED_AT);
      for (Profile i : missing) {
        insert =
            insert.values(
                i.userId(), clean(i.name()), clean(i.email()), clean(i.picture()), now, now);
      }
      insert.execute();
    }
    return find(tx, list.stream().map(Profile::userId).collect(Collectors.toSet()));
  }

  /** Adds or updates one user (chatctl users add). */
  public static UserRecord add(
      DSLContext dsl, String id, String name, String email, OffsetDateTime now) {
    return dsl.transactionResult(
        cfg -> upsert(DSL.using(cfg), List.of(new Profile(id, name, email, null)), now).get(id));
  }

  public static Map<String, UserRecord> find(DSLContext dsl, Collection<String> ids) {
    return dsl.selectFrom(USERS).where(USERS.ID.in(ids)).fetch().stream()
        .collect(Collectors.toMap(UsersRecord::getId, UserStore::toUser));
  }

  /**
   * Users whose id or name contains {@code query} (case-insensitive; null: everyone), by id, except
   * those in {@code exclude}; at most {@code limit}.
   */
  public static List<UserRecord> search(
      DSLContext dsl, String query, Collection<String> exclude, int limit) {
    Condition where = DSL.noCondition();
    if (query != null && !query.isEmpty()) {
      String pattern = "%" + escapeLike(query.toLowerCase()) + "%";
      where = lower(USERS.ID).like(pattern, '!').or(lower(USERS.NAME).like(pattern, '!'));
    }
    if (!exclude.isEmpty()) {
      where = where.and(USERS.ID.notIn(exclude));
    }
    return dsl.selectFrom(USERS)
        .where(where)
        .orderBy(USERS.ID)
        .limit(limit)
        .fetch(UserStore::toUser);
  }

  /** Every user, by id (chatctl users list). */
  public static List<UserRecord> all(DSLContext dsl, int limit) {
    return dsl.selectFrom(USERS).orderBy(USERS.ID).limit(limit).fetch(UserStore::toUser);
  }

  public static int count(DSLContext dsl) {
    return dsl.fetchCount(USERS);
  }

  static UserRecord toUser(Record r) {
    UsersRecord u = r.into(USERS);
    return new UserRecord(
        u.getId(), u.getName(), u.getEmail(), u.getImage(), u.getCreatedAt().toInstant());
  }

  /**
   * PostgreSQL cannot store NUL in text; a display claim loses them rather than the connect
   * failing.
   */
  static String clean(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace("\0", "");
  }

  private static String escapeLike(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
