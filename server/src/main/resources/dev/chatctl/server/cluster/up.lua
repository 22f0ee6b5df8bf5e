-- ARGV[3] node, ARGV[4] user: the user's first socket on the node.
-- -1 if the node is not registered (it must sync first), else the seq of user:online or 0.
if not redis.call('ZSCORE', nodes, ARGV[3]) then
  return -1
end
return join(ARGV[3], ARGV[4])
