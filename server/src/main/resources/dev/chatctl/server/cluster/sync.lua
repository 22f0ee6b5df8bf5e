-- ARGV[3] node, ARGV[4] ttl ms, ARGV[5] sockets, ARGV[6..] the node's users: registers the node
-- and makes its user set exactly these, announcing what changes. {joined, left}.
local node = ARGV[3]
register(node, ARGV[4], ARGV[5], now())
local want = {}
for i = 6, #ARGV do
  want[ARGV[i]] = true
end
local left = 0
for _, user in ipairs(redis.call('SMEMBERS', prefix .. node .. ':users')) do
  if not want[user] then
    leave(node, user)
    left = left + 1
  end
end
local joined = 0
for i = 6, #ARGV do
  if redis.call('SISMEMBER', prefix .. node .. ':users', ARGV[i]) == 0 then
    join(node, ARGV[i])
    joined = joined + 1
  end
end
return {joined, left}
