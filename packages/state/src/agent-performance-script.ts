/**
 * Applies one ROUTING batch's agent-performance counters once: nothing when position ARGV[1]
 * (or a later one) is applied already, so a redelivery, a restart or a second ops replica
 * folding the same stream adds nothing twice.
 * KEYS: seq, open, agents, then the bucket hashes.
 * ARGV: seq, agentsTrimBeforeMs, openCount, openCount × (agent, json | '' to drop),
 *       seenCount, seenCount × (agent, lastMs), then per bucket key (in KEYS order):
 *       expireAtMs, fieldCount, fieldCount × (field, amount).
 * Returns 1 when applied, 0 when already applied.
 */
export const APPLY_AGENT_BUCKETS = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if last >= tonumber(ARGV[1]) then return 0 end
local i = 3
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[2], ARGV[i]) else redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
  i = i + 2
end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  redis.call('ZADD', KEYS[3], 'GT', ARGV[i + 1], ARGV[i])
  i = i + 2
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2])
for k = 4, #KEYS do
  local expireAt = ARGV[i]
  local count = tonumber(ARGV[i + 1]); i = i + 2
  for _ = 1, count do
    redis.call('HINCRBYFLOAT', KEYS[k], ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  redis.call('PEXPIREAT', KEYS[k], expireAt)
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;
