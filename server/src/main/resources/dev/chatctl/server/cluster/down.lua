-- ARGV[3] node, ARGV[4] user: the user's last socket on the node closed.
-- The seq of user:offline, or 0 (still online elsewhere, or already dropped with the node).
return leave(ARGV[3], ARGV[4])
