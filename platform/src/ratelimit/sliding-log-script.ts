/**
 * The hourly API limiter, one script run (one round trip) per request: a sliding log of the times
 * of admitted requests in a sorted set, so at most `limit` requests are admitted in ANY window of
 * `window` ms, including across what a fixed window would call a boundary. Refused requests are
 * not logged. The caller passes `now`, so tests drive the clock and replicas agree with their own
 * (NTP-synchronised) clocks rather than a Redis primary's.
 *
 * KEYS[1] the org's log ({org:<id>}:api), KEYS[2] its breach marker ({org:<id>}:api:breach: when the
 *         minute's first refusal was)
 * ARGV    now (ms), limit, window (ms), a unique member for this request
 * Returns {admitted (1|0), remaining, ms until a slot frees, first breach this minute (1|0)}.
 */
export const SLIDING_LOG_LUA = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, limit - count - 1, tonumber(oldest[2]) + window - now, 0}
end
-- A plan may have been lowered below what is logged: the slot frees when the entry that puts the
-- log over the limit expires.
local freeing = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
-- The first refusal of a minute by the caller's clock, as the log goes by it (not by Redis's).
local first = 0
local last = tonumber(redis.call('GET', KEYS[2]))
if not last or now - last >= 60000 then
  redis.call('SET', KEYS[2], now, 'PX', window)
  first = 1
end
return {0, 0, tonumber(freeing[2]) + window - now, first}
`;
