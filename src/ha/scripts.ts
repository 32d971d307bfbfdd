import { createHash } from 'node:crypto';
import type { Script } from '../state/redis-scripts';

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * Claims or refreshes a node name. KEYS: node key, nodes set. ARGV: instance id, info JSON,
 * ttl ms, name. Returns 'ok', or the instance id holding the name when another live
 * instance does (its key has not expired).
 */
export const CLAIM_NODE = script(`
local owner = redis.call('HGET', KEYS[1], 'instance')
if owner and owner ~= ARGV[1] then return owner end
redis.call('HSET', KEYS[1], 'instance', ARGV[1], 'info', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
return 'ok'
`);

/** Leaves at once: drops the node key if this instance holds it. KEYS/ARGV as CLAIM_NODE. */
export const LEAVE_NODE = script(`
local owner = redis.call('HGET', KEYS[1], 'instance')
if owner == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[4])
end
return 'ok'
`);

/**
 * The global token bucket: one admission, atomically, on Redis's clock. Refill rate = the
 * limit per second, burst = max(1, ceil(limit / 10)) (so over T seconds at most
 * limit·T + limit/10 pass). Also counts admissions per wall-clock second for the stats.
 * KEYS: rate-limit, bucket, nodes set. Returns {admitted 0|1, limit (0 = unlimited),
 * node count, ms until the next token (0 when admitted)}.
 */
export const ADMIT = script(`
local limit = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local nodes = redis.call('SCARD', KEYS[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sec = tonumber(t[1])
local b = redis.call('HMGET', KEYS[2], 'tokens', 'ts', 'win', 'cnt')
local cnt = tonumber(b[4]) or 0
if tonumber(b[3]) ~= sec then cnt = 0 end
if limit <= 0 then
  redis.call('HSET', KEYS[2], 'win', sec, 'cnt', cnt + 1)
  redis.call('PEXPIRE', KEYS[2], 60000)
  return {1, 0, nodes, 0}
end
local burst = math.max(1, math.ceil(limit / 10))
local tokens = tonumber(b[1])
local ts = tonumber(b[2]) or now
if tokens == nil then tokens = burst end
tokens = math.min(burst, tokens + math.max(0, now - ts) * limit / 1000)
local ok = 0
local wait = 0
if tokens >= 1 - 1e-9 then
  tokens = tokens - 1
  ok = 1
  cnt = cnt + 1
else
  wait = math.ceil((1 - tokens) * 1000 / limit)
end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'ts', now, 'win', sec, 'cnt', cnt)
redis.call('PEXPIRE', KEYS[2], 60000)
return {ok, limit, nodes, wait}
`);

/** Admissions in the current second. KEYS: bucket. Returns the count. */
export const COUNT = script(`
local t = redis.call('TIME')
local b = redis.call('HMGET', KEYS[1], 'win', 'cnt')
if tonumber(b[1]) ~= tonumber(t[1]) then return 0 end
return tonumber(b[2]) or 0
`);

/**
 * Last writer wins for one registry entry: the write is kept only when its (v, node) is newer
 * than the stored one's. KEYS: registry hash, its version counter. ARGV: key, entry JSON, v, node.
 * Returns 1 when written, 0 when a newer entry is stored.
 */
export const PUT_ENTRY = script(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local ok, e = pcall(cjson.decode, cur)
  if ok and type(e) == 'table' and tonumber(e.v) then
    local v = tonumber(e.v)
    local nv = tonumber(ARGV[3])
    if v > nv or (v == nv and tostring(e.node) >= ARGV[4]) then return 0 end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
return 1
`);

/**
 * One request against a tenant's per-minute budget (fixed windows on Redis's clock).
 * KEYS: the tenant bucket hash. ARGV: requests per minute, tokens per minute (0 = no limit).
 * Returns {1, 0} when admitted (the request is counted), else {0, seconds to the next window}.
 */
export const TENANT_ADMIT = script(`
local t = redis.call('TIME')
local sec = tonumber(t[1])
local win = math.floor(sec / 60)
local b = redis.call('HMGET', KEYS[1], 'w', 'req', 'tok')
local req = tonumber(b[2]) or 0
local tok = tonumber(b[3]) or 0
if tonumber(b[1]) ~= win then req = 0; tok = 0 end
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
if (rpm > 0 and req >= rpm) or (tpm > 0 and tok >= tpm) then
  return {0, 60 - (sec % 60)}
end
redis.call('HSET', KEYS[1], 'w', win, 'req', req + 1, 'tok', tok)
redis.call('PEXPIRE', KEYS[1], 120000)
return {1, 0}
`);

/** Adds a finished request's tokens to the current window. KEYS: bucket. ARGV: tokens. */
export const TENANT_SETTLE = script(`
local win = math.floor(tonumber(redis.call('TIME')[1]) / 60)
if tonumber(redis.call('HGET', KEYS[1], 'w')) ~= win then
  redis.call('HSET', KEYS[1], 'w', win, 'req', 0, 'tok', ARGV[1])
else
  redis.call('HINCRBY', KEYS[1], 'tok', ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], 120000)
return 1
`);
