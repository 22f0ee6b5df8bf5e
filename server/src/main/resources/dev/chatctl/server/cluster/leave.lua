-- ARGV[3] node: the node stops; its users go offline where it was their last node.
drop(ARGV[3])
return 1
