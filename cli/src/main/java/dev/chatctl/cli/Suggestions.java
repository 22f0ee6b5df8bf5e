package dev.chatctl.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** "Did you mean": the known words closest to a mistyped one, by edit distance. */
final class Suggestions {
  private Suggestions() {}

  /**
   * The candidates closest to {@code typed} (by edits, or that it starts), when within a few edits;
   * at most three.
   */
  static List<String> closest(String typed, Collection<String> candidates) {
    String t = typed.toLowerCase();
    int limit = Math.max(2, t.length() / 3);
    List<String> found = new ArrayList<>();
    for (String candidate : candidates) {
      if (score(t, candidate) <= limit) {
        found.add(candidate);
      }
    }
    int best = found.stream().mapToInt(c -> score(t, c)).min().orElse(0);
    return found.stream().filter(c -> score(t, c) == best).limit(3).toList();
  }

  private static int score(String typed, String candidate) {
    String c = candidate.toLowerCase();
    return typed.length() >= 3 && c.startsWith(typed) ? 1 : distance(typed, c);
  }

  /** " (did you mean A or B?)", or "" when nothing is close. */
  static String didYouMean(String typed, Collection<String> candidates) {
    List<String> close = closest(typed, candidates);
    return close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
