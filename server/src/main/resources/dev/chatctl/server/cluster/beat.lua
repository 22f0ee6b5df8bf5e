-- ARGV[3] node, ARGV[4] ttl ms, ARGV[5] sockets: the node's heartbeat, which also drops the
-- nodes whose deadline passed. {registered (1, or 0: the node must sync), nodes dropped, seq}.
local t = now()
local registered = 0
if redis.call('ZSCORE', nodes, ARGV[3]) then
  register(ARGV[3], ARGV[4], ARGV[5], t)
  registered = 1
end
local dropped = expire(t, ARGV[3])
return {registered, dropped, tonumber(redis.call('GET', seqKey) or '0')}
