-- Cluster presence, shared by every script. Keys (one hash tag, one slot):
--   KEYS[1] nodes       sorted set: node -> heartbeat deadline (ms, Redis clock)
--   KEYS[2] user-nodes  hash: user -> number of live nodes with a socket of the user
--   KEYS[3] seq         counter of presence changes
--   <ARGV[2]><node>:users  set of a node's users; <ARGV[2]><node>:info  hash beat, sockets
-- ARGV[1] is the presence channel: each change is published as "<seq> <1|0> <node> <user>".
-- Scripts run one at a time, so every node sees the changes in one order.
local nodes, counts, seqKey = KEYS[1], KEYS[2], KEYS[3]
local channel, prefix = ARGV[1], ARGV[2]

local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function announce(online, node, user)
  local seq = redis.call('INCR', seqKey)
  redis.call('PUBLISH', channel, seq .. ' ' .. online .. ' ' .. node .. ' ' .. user)
  return seq
end

-- the user has a socket on the node; the seq of the change if the user came online, else 0
local function join(node, user)
  if redis.call('SADD', prefix .. node .. ':users', user) == 0 then
    return 0
  end
  if redis.call('HINCRBY', counts, user, 1) == 1 then
    return announce(1, node, user)
  end
  return 0
end

-- the user has no socket on the node any more; the seq if the user went offline, else 0
local function leave(node, user)
  if redis.call('SREM', prefix .. node .. ':users', user) == 0 then
    return 0
  end
  if redis.call('HINCRBY', counts, user, -1) <= 0 then
    redis.call('HDEL', counts, user)
    return announce(0, node, user)
  end
  return 0
end

-- a node and its users leave the cluster (idempotent)
local function drop(node)
  local key = prefix .. node .. ':users'
  for _, user in ipairs(redis.call('SMEMBERS', key)) do
    leave(node, user)
  end
  redis.call('DEL', key, prefix .. node .. ':info')
  redis.call('ZREM', nodes, node)
end

-- drops every node whose deadline has passed; how many
local function expire(t, except)
  local dead = redis.call('ZRANGEBYSCORE', nodes, '-inf', '(' .. t)
  local n = 0
  for _, node in ipairs(dead) do
    if node ~= except then
      drop(node)
      n = n + 1
    end
  end
  return n
end

local function register(node, ttl, sockets, t)
  redis.call('ZADD', nodes, t + tonumber(ttl), node)
  redis.call('HSET', prefix .. node .. ':info', 'beat', t, 'sockets', sockets)
end
