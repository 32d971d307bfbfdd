import { createHash } from 'node:crypto';
import type { Script } from '../state/redis-scripts';

/*
 * The cluster-wide priority scheduler in Redis: the same rules as core.ts, one Lua call per
 * decision. Keys (fixed, one hash tag so Redis Cluster runs them):
 *   KEYS[1] leases   hash ticket → "rank|admitted ms|first byte 0/1|preempt asked 0/1"
 *   KEYS[2] counts   hash rank → slots in use
 *   KEYS[3] owners   hash owner → ms its lease on life ends (refreshed by heartbeats)
 *   KEYS[4] waiters  hash ticket → "rank|enqueued ms"
 *   KEYS[5..8]       per-rank queues: zset ticket by arrival sequence
 *   KEYS[9] seq      the arrival counter
 * Ranks are 1 (bulk) … 4 (system). A ticket is "<owner>/<n>"; an owner is one ingress
 * process. Grants and preemption requests are PUBLISHed on "<channel prefix><owner>":
 * "G <ticket>" admitted after waiting, "P <ticket>" promoted past the reservations
 * (starvation), "p <ticket> <victim rank> <by rank>" preempt it if it has not started.
 * An owner whose lease on life ran out (killed) loses its slots and waiters to the next call.
 *
 * Common ARGV (1–14): capacity, reserved slots per rank (4), starvation ms per rank (4),
 * may-preempt per rank (4, '1'/'0'), channel prefix. Each script's own ARGV follow.
 */
const PRELUDE = `
local cap = tonumber(ARGV[1])
local res, starv, can = {}, {}, {}
for r = 1, 4 do
  res[r] = tonumber(ARGV[1 + r])
  starv[r] = tonumber(ARGV[5 + r])
  can[r] = ARGV[9 + r] == '1'
end
local chan = ARGV[14]
local tm = redis.call('TIME')
local now = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)

local function ownerOf(t) return string.match(t, '^(.*)/[^/]*$') or '' end
local function counts()
  local c = redis.call('HMGET', KEYS[2], '1', '2', '3', '4')
  return {tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(c[3]) or 0, tonumber(c[4]) or 0}
end
local function avail(c, r)
  local free = cap - c[1] - c[2] - c[3] - c[4]
  for h = r + 1, 4 do
    local x = res[h] - c[h]
    if x > 0 then free = free - x end
  end
  return free
end
local function setLease(t, r, at, fb, pre)
  redis.call('HSET', KEYS[1], t, r .. '|' .. at .. '|' .. fb .. '|' .. pre)
end
local function grant(t, r)
  setLease(t, r, now, 0, 0)
  redis.call('HINCRBY', KEYS[2], tostring(r), 1)
end
local function unlease(t)
  local v = redis.call('HGET', KEYS[1], t)
  if not v then return false end
  redis.call('HDEL', KEYS[1], t)
  redis.call('HINCRBY', KEYS[2], string.sub(v, 1, 1), -1)
  return true
end
local function unqueue(t)
  local v = redis.call('HGET', KEYS[4], t)
  if not v then return false end
  redis.call('HDEL', KEYS[4], t)
  redis.call('ZREM', KEYS[4 + tonumber(string.sub(v, 1, 1))], t)
  return true
end
local function enqueue(t, r, at)
  redis.call('ZADD', KEYS[4 + r], redis.call('INCR', KEYS[9]), t)
  redis.call('HSET', KEYS[4], t, r .. '|' .. at)
end
local function admitWaiter(t, r, kind)
  unqueue(t)
  grant(t, r)
  redis.call('PUBLISH', chan .. ownerOf(t), kind .. ' ' .. t)
end
local function head(r) return redis.call('ZRANGE', KEYS[4 + r], 0, 0)[1] end
local function dispatchOne()
  local c = counts()
  if c[1] + c[2] + c[3] + c[4] < cap then
    for r = 1, 3 do
      local t = head(r)
      if t then
        local at = tonumber(string.match(redis.call('HGET', KEYS[4], t) or '', '|(%d+)$')) or now
        if now - at > starv[r] then admitWaiter(t, r, 'P'); return true end
      end
    end
  end
  for r = 4, 1, -1 do
    local t = head(r)
    if t and avail(c, r) > 0 then admitWaiter(t, r, 'G'); return true end
  end
  return false
end
local function dispatch()
  if redis.call('HLEN', KEYS[4]) == 0 then return end -- nobody waits: the common case
  while dispatchOne() do end
end
local function reap()
  local o = redis.call('HGETALL', KEYS[3])
  local dead, any = {}, false
  for i = 1, #o, 2 do
    if tonumber(o[i + 1]) < now then
      dead[o[i]] = true
      any = true
      redis.call('HDEL', KEYS[3], o[i])
    end
  end
  if not any then return end
  for _, t in ipairs(redis.call('HKEYS', KEYS[1])) do if dead[ownerOf(t)] then unlease(t) end end
  for _, t in ipairs(redis.call('HKEYS', KEYS[4])) do if dead[ownerOf(t)] then unqueue(t) end end
end
local function maybePreempt()
  local c = counts()
  local waiting, top = 0, 0
  for r = 4, 1, -1 do
    if can[r] then
      local n = redis.call('ZCARD', KEYS[4 + r])
      if n > 0 and avail(c, r) <= 0 then
        waiting = waiting + n
        if top == 0 then top = r end
      end
    end
  end
  if waiting == 0 then return end
  local l = redis.call('HGETALL', KEYS[1])
  local asked, best, bestR, bestAt = 0, nil, 0, 0
  for i = 1, #l, 2 do
    local r, at, fb, pre = string.match(l[i + 1], '^(%d)|(%d+)|(%d)|(%d)$')
    r = tonumber(r)
    at = tonumber(at)
    if pre == '1' then
      asked = asked + 1
    elseif fb == '0' and r < top then
      if best == nil or r < bestR or (r == bestR and at >= bestAt) then
        best, bestR, bestAt = l[i], r, at
      end
    end
  end
  if asked >= waiting or best == nil then return end
  setLease(best, bestR, bestAt, 0, 1)
  redis.call('PUBLISH', chan .. ownerOf(best), 'p ' .. best .. ' ' .. bestR .. ' ' .. top)
end
local function alive(owner, ttl) redis.call('HSET', KEYS[3], owner, now + ttl) end
`;

function script(body: string): Script {
  const lua = PRELUDE + body;
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * One admission. ARGV 15–19: owner, owner ttl ms, ticket, rank, queue size of the rank.
 * Returns 1 admitted, 2 queue full, 3 queued (a grant will be published).
 */
export const ACQUIRE = script(`
alive(ARGV[15], tonumber(ARGV[16]))
reap()
dispatch()
local t, r, qsize = ARGV[17], tonumber(ARGV[18]), tonumber(ARGV[19])
local blocked = false
if redis.call('HLEN', KEYS[4]) > 0 then
  for h = r, 4 do
    if redis.call('ZCARD', KEYS[4 + h]) > 0 then blocked = true end
  end
end
if not blocked and avail(counts(), r) > 0 then
  grant(t, r)
  return 1
end
if redis.call('ZCARD', KEYS[4 + r]) >= qsize then return 2 end
enqueue(t, r, now)
maybePreempt()
return 3
`);

/** The request ended. ARGV 15: ticket. */
export const RELEASE = script(`
if unlease(ARGV[15]) then dispatch() end
return 1
`);

/**
 * A queued request gave up (timeout, client gone). ARGV 15: ticket. Returns 1 when it left
 * the queue, 2 when it had been admitted meanwhile (the grant is on its way), 0 otherwise.
 */
export const CANCEL = script(`
local t = ARGV[15]
if unqueue(t) then
  dispatch()
  return 1
end
if redis.call('HEXISTS', KEYS[1], t) == 1 then return 2 end
return 0
`);

/** A preemption request came after the first byte: keep the slot for good. ARGV 15: ticket. */
export const DECLINE = script(`
local v = redis.call('HGET', KEYS[1], ARGV[15])
if v then
  local r, at = string.match(v, '^(%d)|(%d+)|')
  setLease(ARGV[15], r, at, 1, 0)
  maybePreempt()
end
return 1
`);

/**
 * An owner's heartbeat, and the repair of its state: ARGV 15 owner, 16 ttl ms, 17 number of
 * held pairs, 18 number of waiting pairs, then held (ticket, rank) pairs, waiting (ticket,
 * rank) pairs, and the tickets whose admission is in flight. What the owner holds but Redis
 * lost (a restart) is restored; what Redis holds for the owner that it no longer knows (a
 * release that never arrived) is dropped. Then dead owners are reaped, the queues
 * dispatched and preemption retried. Returns {live owners, the listed waiting tickets that
 * hold a slot now} (so a grant lost with a dropped subscription still arrives).
 */
export const HEARTBEAT = script(`
local owner = ARGV[15]
alive(owner, tonumber(ARGV[16]))
local nHeld, nWait = tonumber(ARGV[17]), tonumber(ARGV[18])
local keep = {}
local i = 19
for _ = 1, nHeld do
  keep[ARGV[i]] = true
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then grant(ARGV[i], tonumber(ARGV[i + 1])) ; setLease(ARGV[i], ARGV[i + 1], now, 1, 0) end
  i = i + 2
end
local waiting = {}
for _ = 1, nWait do
  keep[ARGV[i]] = true
  waiting[#waiting + 1] = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 and redis.call('HEXISTS', KEYS[4], ARGV[i]) == 0 then
    enqueue(ARGV[i], tonumber(ARGV[i + 1]), now)
  end
  i = i + 2
end
for j = i, #ARGV do keep[ARGV[j]] = true end
for _, t in ipairs(redis.call('HKEYS', KEYS[1])) do
  if ownerOf(t) == owner and not keep[t] then unlease(t) end
end
for _, t in ipairs(redis.call('HKEYS', KEYS[4])) do
  if ownerOf(t) == owner and not keep[t] then unqueue(t) end
end
reap()
dispatch()
maybePreempt()
local granted = {}
for _, t in ipairs(waiting) do
  if redis.call('HEXISTS', KEYS[1], t) == 1 then granted[#granted + 1] = t end
end
return {redis.call('HLEN', KEYS[3]), granted}
`);

/** A graceful stop: the owner's slots and waiters go at once. ARGV 15: owner. */
export const LEAVE = script(`
local owner = ARGV[15]
redis.call('HDEL', KEYS[3], owner)
for _, t in ipairs(redis.call('HKEYS', KEYS[1])) do if ownerOf(t) == owner then unlease(t) end end
for _, t in ipairs(redis.call('HKEYS', KEYS[4])) do if ownerOf(t) == owner then unqueue(t) end end
dispatch()
return 1
`);
