package dev.chatctl.cli.chat;

import dev.chatctl.protocol.chat.DirectoryEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The users the console knows of, and who is online: what Tab completes. Thread-safe. */
public final class Directory {
  private final Map<String, DirectoryEntry> users = new ConcurrentHashMap<>();
  private final Set<String> online = ConcurrentHashMap.newKeySet();

  public void addAll(Collection<DirectoryEntry> entries) {
    for (DirectoryEntry e : entries) {
      users.put(e.id(), e);
      if (e.online()) {
        online.add(e.id());
      }
    }
  }

  public void known(String userId) {
    users.putIfAbsent(userId, new DirectoryEntry(userId, null, null, online.contains(userId)));
  }

  public void online(String userId) {
    online.add(userId);
    known(userId);
  }

  public void offline(String userId) {
    online.remove(userId);
  }

  /** Replaces who is online (users:online). */
  public void onlineNow(Collection<String> userIds) {
    online.retainAll(Set.copyOf(userIds));
    userIds.forEach(this::online);
  }

  public boolean isOnline(String userId) {
    return online.contains(userId);
  }

  public boolean contains(String userId) {
    return users.containsKey(userId);
  }

  public DirectoryEntry get(String userId) {
    return users.get(userId);
  }

  /** Every known id: online ones first, each group by id. */
  public List<String> ids() {
    List<String> ids = new ArrayList<>(users.keySet());
    ids.sort(
        (a, b) -> {
          boolean oa = online.contains(a);
          boolean ob = online.contains(b);
          return oa != ob ? (oa ? -1 : 1) : a.compareTo(b);
        });
    return ids;
  }
}
