/**
 * Lua of the customer store. Every key of one domain's customers starts with KEYS[1], the prefix
 * `<p>{d:<domain>}:cust:` (one hash tag, one shard), so a script touches one slot whatever keys it
 * derives:
 *   <prefix>seq            counter of customer keys (`c<n>`)
 *   <prefix>id:<ident>     identifier (`<kind>:<hmac hex>`) → customer key
 *   <prefix>c:<key>:ids    set of the customer's identifiers
 *   <prefix>c:<key>:recent the customer's recent contacts, a JSON array, oldest first
 * Each of them expires `ttl` seconds after the customer's last contact or link (the retention).
 */

const COMMON = `
local prefix = KEYS[1]
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local maxRecent = tonumber(ARGV[3])
local keepFrom = now - tonumber(ARGV[4])

local function idsKey(ck) return prefix .. 'c:' .. ck .. ':ids' end
local function recentKey(ck) return prefix .. 'c:' .. ck .. ':recent' end

local function readRecent(ck)
  local raw = redis.call('GET', recentKey(ck))
  if not raw then return {} end
  return cjson.decode(raw)
end

-- Oldest first; drops entries past the retention and keeps the newest maxRecent.
local function writeRecent(ck, list)
  local kept = {}
  for _, e in ipairs(list) do if e.at >= keepFrom then kept[#kept + 1] = e end end
  table.sort(kept, function(a, b) if a.at == b.at then return a.id < b.id end return a.at < b.at end)
  local from = math.max(1, #kept - maxRecent + 1)
  local out = {}
  for i = from, #kept do out[#out + 1] = kept[i] end
  if #out == 0 then redis.call('DEL', recentKey(ck)) return out end
  redis.call('SET', recentKey(ck), cjson.encode(out), 'EX', ttl)
  return out
end

local function touch(ck)
  local members = redis.call('SMEMBERS', idsKey(ck))
  for _, ident in ipairs(members) do redis.call('EXPIRE', prefix .. 'id:' .. ident, ttl) end
  if #members > 0 then redis.call('EXPIRE', idsKey(ck), ttl) end
  redis.call('EXPIRE', recentKey(ck), ttl)
end

-- Moves every identifier and contact of customer 'from' to customer 'to'.
local function merge(to, from)
  if to == from then return end
  for _, ident in ipairs(redis.call('SMEMBERS', idsKey(from))) do
    redis.call('SET', prefix .. 'id:' .. ident, to, 'EX', ttl)
    redis.call('SADD', idsKey(to), ident)
  end
  local list = readRecent(to)
  local seen = {}
  for _, e in ipairs(list) do seen[e.id] = true end
  for _, e in ipairs(readRecent(from)) do if not seen[e.id] then list[#list + 1] = e end end
  writeRecent(to, list)
  redis.call('DEL', idsKey(from), recentKey(from))
end

-- The customer of a set of identifiers: the first one's, merging the others' into it; a new one
-- when none is known. Every identifier then points to it.
local function resolve(idents)
  local ck = nil
  for _, ident in ipairs(idents) do
    local found = redis.call('GET', prefix .. 'id:' .. ident)
    if found then
      if ck == nil then ck = found else merge(ck, found) end
    end
  end
  if ck == nil then ck = 'c' .. redis.call('INCR', prefix .. 'seq') end
  for _, ident in ipairs(idents) do
    redis.call('SET', prefix .. 'id:' .. ident, ck, 'EX', ttl)
    redis.call('SADD', idsKey(ck), ident)
  end
  redis.call('EXPIRE', idsKey(ck), ttl)
  return ck
end
`;

/**
 * KEYS: prefix. ARGV: nowMs, ttlSeconds, maxRecent, retentionMs, JSON { facts, arrivals }.
 * Applies the facts first (agent, outcome, end of earlier contacts), then resolves each arrival
 * in order: its customer (linking its identifiers, as the rules chose them) and its entry in the
 * customer's recent contacts. Returns JSON [{ contactId, customerKey, recent }] per arrival.
 */
export const RESOLVE_CUSTOMERS = COMMON + `
local input = cjson.decode(ARGV[5])
for _, f in ipairs(input.facts) do
  local list = readRecent(f.customerKey)
  for _, e in ipairs(list) do
    if e.id == f.contactId then
      for k, v in pairs(f.set) do e[k] = v end
    end
  end
  if #list > 0 then writeRecent(f.customerKey, list) end
end
local out = {}
for _, a in ipairs(input.arrivals) do
  local ck = resolve(a.idents)
  local list = readRecent(ck)
  local known = false
  for _, e in ipairs(list) do if e.id == a.entry.id then known = true end end
  if not known then list[#list + 1] = a.entry end
  list = writeRecent(ck, list)
  touch(ck)
  out[#out + 1] = { contactId = a.entry.id, customerKey = ck, recent = list }
end
return cjson.encode(out)
`;

/**
 * KEYS: prefix. ARGV: nowMs, ttlSeconds, maxRecent, retentionMs, JSON [ident...].
 * A CRM's "these identifiers are one person": one customer for all. Returns its key.
 */
export const LINK_CUSTOMER = COMMON + `
local ck = resolve(cjson.decode(ARGV[5]))
touch(ck)
return ck
`;

/**
 * KEYS: prefix. ARGV: nowMs, ttlSeconds, maxRecent, retentionMs, ident.
 * The identifier leaves its customer and becomes a customer of its own (no history: the earlier
 * contacts stay with the customer they were made as). Returns [oldKey, newKey], or [] when unknown.
 */
export const UNLINK_IDENTIFIER = COMMON + `
local ident = ARGV[5]
local old = redis.call('GET', prefix .. 'id:' .. ident)
if not old then return {} end
redis.call('SREM', idsKey(old), ident)
local ck = 'c' .. redis.call('INCR', prefix .. 'seq')
redis.call('SET', prefix .. 'id:' .. ident, ck, 'EX', ttl)
redis.call('SADD', idsKey(ck), ident)
redis.call('EXPIRE', idsKey(ck), ttl)
return {old, ck}
`;
