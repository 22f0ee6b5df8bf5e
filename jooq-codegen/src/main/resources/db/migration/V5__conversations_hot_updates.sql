-- The conversation list reads one user's rows through the primary key (user_id, peer_id) and
-- sorts them in memory: a user has one row per person they write with. Without an index on
-- last_at, the summary updates each stored batch makes are HOT on PostgreSQL (no index writes,
-- no dead index entries): under the throughput bench the table stayed at 0.5 MB instead of
-- growing to 82 MB in a minute, and a batch's store got cheaper (BENCHMARKS.md).
DROP INDEX conversations_user_id_last_at_idx;
