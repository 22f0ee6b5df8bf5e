-- Who is online in the cluster: {seq, user...}, consistent with the changes published up to seq.
local result = {redis.call('GET', seqKey) or '0'}
for _, user in ipairs(redis.call('HKEYS', counts)) do
  result[#result + 1] = user
end
return result
