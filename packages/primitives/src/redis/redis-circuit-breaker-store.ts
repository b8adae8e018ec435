import type { CircuitBreakerStore, CircuitState } from '@tta/primitives';
import {
  type CircuitOperation,
  type CircuitOutcome,
  type CircuitPolicy,
  type CircuitSnapshot,
  CLOSED,
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
// run atomically inside Redis.
const APPLY = new LuaScript(`
local key = KEYS[1]
local op = ARGV[1]
local trial = ARGV[2] == '1'
local ft = tonumber(ARGV[3])
local rt = tonumber(ARGV[4])
local st = tonumber(ARGV[5])
local hm = tonumber(ARGV[6])
${nowLua(7)}
local h = redis.call('HMGET', key, 's', 'f', 'sc', 'i', 'o')
local state = h[1] or 'closed'
local f = tonumber(h[2] or '0')
local sc = tonumber(h[3] or '0')
local i = tonumber(h[4] or '0')
local o = tonumber(h[5] or '0')
local prev = state
local allowed = 1
local istrial = 0
local retry = 0
${circuitRulesLua()}
if state == 'closed' and f == 0 then
  redis.call('DEL', key)
else
  redis.call('HSET', key, 's', state, 'f', f, 'sc', sc, 'i', i, 'o', o)
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
    const h = await this.#connection.client.hmget(this.#key(key), 's', 'f', 'sc', 'i', 'o');
    if (h[0] === null) return CLOSED;
    return {
      state: asState(h[0]),
      failures: Number(h[1]),
      successes: Number(h[2]),
      inFlight: Number(h[3]),
      openedAt: Number(h[4]),
    };
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
        policy.failureThreshold,
        policy.recoveryTimeoutMs,
        policy.successThreshold,
        policy.halfOpenMaxCalls,
        this.#connection.time(now),
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
