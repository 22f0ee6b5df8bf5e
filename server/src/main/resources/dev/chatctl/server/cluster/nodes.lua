-- The live nodes: {now, node, deadline, beat, sockets, users, node, ...}.
local result = {tostring(now())}
local all = redis.call('ZRANGE', nodes, 0, -1, 'WITHSCORES')
for i = 1, #all, 2 do
  local node = all[i]
  local info = redis.call('HMGET', prefix .. node .. ':info', 'beat', 'sockets')
  result[#result + 1] = node
  result[#result + 1] = all[i + 1]
  result[#result + 1] = info[1] or '0'
  result[#result + 1] = info[2] or '0'
  result[#result + 1] = tostring(redis.call('SCARD', prefix .. node .. ':users'))
end
return result
