import type { CircuitBreakerStore, CircuitState } from '@tta/primitives';
import {
  type CircuitOperation,
  type CircuitOutcome,
  type CircuitPolicy,
  type CircuitSnapshot,
  CLOSED,
  isCircuitSnapshot,
} from '@tta/primitives';
import { circuitRulesLua } from './circuit-lua.js';
import type { RedisClockOption, RedisStoreOptions, TimedRedisConnection } from './connection.js';
import { connectTimed } from './connection.js';
import { LuaScript, nowLua } from './lua-script.js';

/**
 * Options of {@link RedisCircuitBreakerStore}.
 *
 * @example
 * ```ts
 * new RedisCircuitBreakerStore({ client: sharedRedis, keyPrefix: 'svc:' });
 * ```
 */
export type RedisCircuitBreakerStoreOptions = RedisStoreOptions & RedisClockOption;

// The state machine of `applyOperation`, compiled from the same rule table (circuit-rules.ts) and
// run atomically inside Redis. The window steps mirror recordInWindow (recovery/circuit-window.ts);
// its slots are stored as comma-separated counts.
const APPLY = new LuaScript(`
local key = KEYS[1]
local op = ARGV[1]
local trial = ARGV[2] == '1'
local ft = tonumber(ARGV[3])
local rt = tonumber(ARGV[4])
local st = tonumber(ARGV[5])
local hm = tonumber(ARGV[6])
${nowLua(7)}
local frp = tonumber(ARGV[8])
local mc = tonumber(ARGV[9])
local wms = tonumber(ARGV[10])
local slots = tonumber(ARGV[11])
local h = redis.call('HMGET', key, 's', 'f', 'sc', 'i', 'o', 'we', 'wc', 'wf')
local state = h[1] or 'closed'
local f = tonumber(h[2] or '0')
local sc = tonumber(h[3] or '0')
local i = tonumber(h[4] or '0')
local o = tonumber(h[5] or '0')
local stored = h[6] and true or false
local prev = state
local allowed = 1
local istrial = 0
local retry = 0
local wn, wfl = 0, 0
local wtick, wcalls, wfails = nil, nil, nil
if frp > 0 and state == 'closed' and not trial and (op == 'success' or op == 'failure') then
  local calls, fails = {}, {}
  if stored then
    for v in string.gmatch(h[7] or '', '[^,]+') do calls[#calls + 1] = tonumber(v) end
    for v in string.gmatch(h[8] or '', '[^,]+') do fails[#fails + 1] = tonumber(v) end
  end
  local fresh = (not stored) or #calls ~= slots or #fails ~= slots
  local timetick = 0
  if wms > 0 then timetick = math.floor(now / (wms / slots)) end
  local previous
  if fresh then
    calls, fails = {}, {}
    for k = 1, slots do calls[k] = 0; fails[k] = 0 end
    if wms > 0 then previous = timetick else previous = 0 end
  else
    previous = tonumber(h[6])
  end
  local tick
  if wms > 0 then tick = math.max(previous, timetick) else tick = previous + 1 end
  for t = 1, math.min(tick - previous, slots) do
    local k = ((previous + t) % slots) + 1
    calls[k] = 0
    fails[k] = 0
  end
  local k = (tick % slots) + 1
  calls[k] = calls[k] + 1
  if op == 'failure' then fails[k] = fails[k] + 1 end
  for n = 1, slots do
    wn = wn + calls[n]
    wfl = wfl + fails[n]
  end
  wtick, wcalls, wfails = tick, calls, fails
end
${circuitRulesLua()}
if state ~= prev then
  wtick = nil
  if stored then redis.call('HDEL', key, 'we', 'wc', 'wf') end
  stored = false
end
if state == 'closed' and f == 0 and not wtick and not stored then
  redis.call('DEL', key)
else
  redis.call('HSET', key, 's', state, 'f', f, 'sc', sc, 'i', i, 'o', o)
  if wtick then
    redis.call('HSET', key, 'we', string.format('%d', wtick), 'wc', table.concat(wcalls, ','), 'wf', table.concat(wfails, ','))
  end
end
return {prev, state, allowed, istrial, tostring(retry), f}
`);

const STATES = new Set<string>(['closed', 'open', 'half-open']);

function asState(value: unknown): CircuitState {
  if (typeof value !== 'string' || !STATES.has(value))
    throw new TypeError(`Unexpected circuit state from Redis: ${String(value)}`);
  return value as CircuitState;
}

/**
 * Circuit breaker state in Redis: every replica using the same Redis, key prefix and breaker
 * `key` sees one circuit, opened and closed together. Each operation is one atomic Lua script.
 *
 * @example
 * ```ts
 * const store = new RedisCircuitBreakerStore({ url: 'redis://127.0.0.1:6379' });
 * const guarded = callProvider.withCircuitBreaker({ store, key: 'provider-x', failureThreshold: 5 });
 * ```
 */
export class RedisCircuitBreakerStore implements CircuitBreakerStore {
  readonly #connection: TimedRedisConnection;

  constructor(options: RedisCircuitBreakerStoreOptions) {
    this.#connection = connectTimed('RedisCircuitBreakerStore', options);
  }

  #key(key: string): string {
    return `${this.#connection.prefix}circuit:${key}`;
  }

  async get(key: string): Promise<CircuitSnapshot> {
    const h = await this.#connection.client.hmget(
      this.#key(key),
      's',
      'f',
      'sc',
      'i',
      'o',
      'we',
      'wc',
      'wf',
    );
    if (h[0] === null) return CLOSED;
    const snapshot: CircuitSnapshot = {
      state: asState(h[0]),
      failures: Number(h[1]),
      successes: Number(h[2]),
      inFlight: Number(h[3]),
      openedAt: Number(h[4]),
      ...(h[5] === null
        ? {}
        : {
            window: {
              tick: Number(h[5]),
              calls: (h[6] ?? '').split(',').map(Number),
              failures: (h[7] ?? '').split(',').map(Number),
            },
          }),
    };
    if (!isCircuitSnapshot(snapshot))
      throw new TypeError(`Unexpected circuit state in Redis: ${JSON.stringify(h)}`);
    return snapshot;
  }

  async apply(
    key: string,
    operation: CircuitOperation,
    policy: CircuitPolicy,
    now: number,
  ): Promise<CircuitOutcome> {
    const trial = operation.kind !== 'admit' && operation.trial ? '1' : '0';
    const reply = (await APPLY.run(
      this.#connection.client,
      [this.#key(key)],
      [
        operation.kind,
        trial,
        // Lua cannot read "Infinity": a threshold no count reaches says the same.
        Number.isFinite(policy.failureThreshold) ? policy.failureThreshold : '1e308',
        policy.recoveryTimeoutMs,
        policy.successThreshold,
        policy.halfOpenMaxCalls,
        this.#connection.time(now),
        policy.failureRatePercent ?? 0,
        policy.minimumCalls ?? 0,
        policy.windowMs ?? 0,
        policy.windowSlots ?? 1,
      ],
    )) as [string, string, number, number, string, number];
    const [previous, next, allowed, isTrial, retryAfter, failures] = reply;
    return {
      previous: asState(previous),
      next: asState(next),
      admission:
        allowed === 1
          ? { allowed: true, trial: isTrial === 1 }
          : { allowed: false, retryAfterMs: Number(retryAfter) },
      failures: Number(failures),
    };
  }

  async reset(key: string): Promise<void> {
    await this.#connection.client.del(this.#key(key));
  }

  /** Quits the client if this store created it. */
  close(): Promise<void> {
    return this.#connection.close();
  }
}
