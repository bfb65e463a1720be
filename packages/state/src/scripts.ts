/**
 * Lua scripts. Each runs atomically on the domain's shard; every one that changes routing state
 * first checks the caller's lease (fencing token), so a replica that lost its lease while paused
 * can never write again.
 */

/**
 * KEYS: lease, fence, epoch, restoring. ARGV: replica, ttlMs, epochCandidate.
 * The lease value is `replica|token|epoch`: after Redis lost everything the token counts from 1
 * again, and only the epoch tells a new lease from a stale worker's old one. Creating the epoch
 * marks its state as being restored; the marker stays until the restorer finishes (FINISH_RESTORE),
 * so an acquisition while it is present must restore too (`restore` = 1).
 * Returns [token, restore, epochValue] or [0, holder].
 */
export const ACQUIRE_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder then
  local owner = string.match(holder, '^([^|]*)|')
  if owner ~= ARGV[1] then return {0, holder} end
end
local token = redis.call('INCR', KEYS[2])
local created = redis.call('SET', KEYS[3], ARGV[3], 'NX')
local epoch = redis.call('GET', KEYS[3])
if created then redis.call('SET', KEYS[4], epoch) end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token .. '|' .. epoch, 'PX', ARGV[2])
return {token, redis.call('EXISTS', KEYS[4]), epoch}
`;

/**
 * KEYS: lease, log, applied, appliedPrevious, checkpoint, outbox, timers. ARGV: leaseValue.
 * Drops what an interrupted restore left (a checkpoint without its log, part of a log), so a
 * restore starts from nothing. Returns 1, or 0 when the lease is not ours.
 */
export const RESET_FOR_RESTORE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
return 1
`;

/** KEYS: lease, restoring. ARGV: leaseValue. The restore is whole: clears the marker. Returns 1, or 0 when the lease is not ours. */
export const FINISH_RESTORE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
return 1
`;

/** KEYS: lease. ARGV: leaseValue, ttlMs. Returns 1 when still ours and extended, else 0. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** KEYS: lease. ARGV: leaseValue. Deletes the lease only if it is still ours. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Commits a batch of routing transitions as one step: for each, in order, appends the command to
 * the log, marks its id applied, schedules its timers and removes the timer that fired it; then
 * writes the batch's outbox records and drops the fired timers that changed nothing — all or
 * nothing. A command id already applied makes the whole
 * batch a duplicate before anything is written: the only way a batch meets its own ids is a resend
 * of a commit that succeeded (ioredis replaying it after a reconnect), and any other overlap means
 * the caller's state is not the log's.
 * KEYS: lease, log, applied, outbox, timers, appliedPrevious.
 * ARGV: leaseValue, transitionCount, then per transition (commandId, commandJson,
 *       firedTimerMember, timerCount, timerCount × (dueAtMs, member)), then outboxCount,
 *       outboxCount × (msgId, subject, payload), then dropCount, dropCount × timer member.
 * Returns ['ok', logId × transitionCount, outboxId × outboxCount] | ['duplicate', logId] | ['fenced', holder].
 */
export const COMMIT_BATCH = `
local holder = redis.call('GET', KEYS[1])
if holder ~= ARGV[1] then return {'fenced', holder or ''} end
local count = tonumber(ARGV[2])
local starts = {}
local i = 3
for k = 1, count do
  starts[k] = i
  local cid = ARGV[i]
  if cid ~= '' then
    local seen = redis.call('HGET', KEYS[3], cid) or redis.call('HGET', KEYS[6], cid)
    if seen then return {'duplicate', seen} end
  end
  i = i + 4 + 2 * tonumber(ARGV[i + 3])
end
local reply = {'ok'}
for k = 1, count do
  local j = starts[k]
  local cid = ARGV[j]
  local logId = redis.call('XADD', KEYS[2], '*', 'cid', cid, 'cmd', ARGV[j + 1])
  if cid ~= '' then redis.call('HSET', KEYS[3], cid, logId) end
  if ARGV[j + 2] ~= '' then redis.call('ZREM', KEYS[5], ARGV[j + 2]) end
  for t = 1, tonumber(ARGV[j + 3]) do
    redis.call('ZADD', KEYS[5], ARGV[j + 2 + 2 * t], ARGV[j + 3 + 2 * t])
  end
  reply[#reply + 1] = logId
end
local outbox = tonumber(ARGV[i])
i = i + 1
for _ = 1, outbox do
  reply[#reply + 1] = redis.call('XADD', KEYS[4], '*', 'id', ARGV[i], 'subject', ARGV[i + 1], 'data', ARGV[i + 2])
  i = i + 3
end
local drops = tonumber(ARGV[i] or '0')
for k = 1, drops do redis.call('ZREM', KEYS[5], ARGV[i + k]) end
return reply
`;

/** KEYS: lease, timers. ARGV: leaseValue, member. Drops a timer that no longer matters. */
export const DROP_TIMER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('ZREM', KEYS[2], ARGV[2])
`;

/** KEYS: lease, timers. ARGV: leaseValue, then (dueAtMs, member) pairs. Schedules timers (recovery). */
export const SCHEDULE_TIMERS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local n = 0
for i = 2, #ARGV, 2 do n = n + redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1]) end
return n
`;

/**
 * Stores a checkpoint of the domain's state as of log entry `logId` (position `position`).
 * KEYS: lease, checkpoint. ARGV: leaseValue, data, position, logId, epoch, takenAtMs.
 * Returns 1, or 0 when the lease is not ours.
 */
export const SAVE_CHECKPOINT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'data', ARGV[2], 'position', ARGV[3], 'logId', ARGV[4], 'epoch', ARGV[5], 'takenAt', ARGV[6])
return 1
`;

/**
 * One bounded step of trimming what the stored checkpoint covers: log entries up to its `logId`,
 * and the idempotency index of the generation before the last compaction (the current one
 * becomes the previous). Only up to the checkpoint actually stored, so a stale caller can never
 * trim past it. A step frees at most ARGV[3] entries, whole stream nodes at a time (`MINID ~ …
 * LIMIT`), so a log of millions (the first checkpoint of a domain that has never had one) never
 * blocks Redis — and the lease renewals waiting on it — for long; the caller repeats the step
 * until it reports done. The last step trims the rest exactly (less than a node) and rotates the
 * index; the old generation is UNLINKed, freed off Redis' main thread.
 * KEYS: lease, checkpoint, log, applied, appliedPrevious. ARGV: leaseValue, position, stepLimit,
 * upToLogId ('checkpoint': up to the checkpoint's own entry; '': trim nothing, rotate the index
 * only; else an entry id, capped at the checkpoint's).
 * Returns {entries trimmed, 1 when done else 0}, or {-1, 1} when the lease or the checkpoint is not as expected.
 */
export const COMPACT_STEP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1, 1} end
if redis.call('HGET', KEYS[2], 'position') ~= ARGV[2] then return {-1, 1} end
local logId = redis.call('HGET', KEYS[2], 'logId')
-- ARGV[4] trims less: up to that entry ('' for none), never past the checkpoint's own.
if ARGV[4] ~= 'checkpoint' then
  local ams, aseq = string.match(ARGV[4], '^(%d+)-(%d+)$')
  local cms, cseq = string.match(logId or '', '^(%d+)-(%d+)$')
  if not ams or not cms then
    logId = ''
  elseif tonumber(ams) < tonumber(cms) or (tonumber(ams) == tonumber(cms) and tonumber(aseq) <= tonumber(cseq)) then
    logId = ARGV[4]
  end
end
local minId = nil
if logId and logId ~= '' then
  local ms, seq = string.match(logId, '^(%d+)-(%d+)$')
  minId = ms .. '-' .. (tonumber(seq) + 1)
  local step = redis.call('XTRIM', KEYS[3], 'MINID', '~', minId, 'LIMIT', ARGV[3])
  if step > 0 then return {step, 0} end
end
local trimmed = 0
if minId then trimmed = redis.call('XTRIM', KEYS[3], 'MINID', minId) end
redis.call('UNLINK', KEYS[5])
if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('RENAME', KEYS[4], KEYS[5]) end
return {trimmed, 1}
`;
