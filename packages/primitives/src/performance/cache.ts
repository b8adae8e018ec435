// The cache primitive in one file: its lookup, its single flight, its fast root hit and its stream
// recording share the store, the key and the counters, and must agree on every rule.
import { currentContext, type WorkflowContext, waitFor } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { PrimitiveOptions, Streams } from '../core/types.js';
import { hasAroundHooks, hasEventListeners } from '../hooks/registry.js';
import { interceptorsEnabled } from '../hooks/step-interceptor.js';
import { isPromise } from '../internal/is-promise.js';
import {
  declareOptions,
  fn,
  integer,
  nameLike,
  number,
  optional,
  optionalObject,
  type Resolved,
} from '../internal/options.js';
import { requirePrimitive } from '../internal/validate.js';
import {
  isRecordedStream,
  type RecordedStream,
  recordedStream,
  recordingContext,
  replayChunks,
} from '../streaming/recorded-stream.js';
import { isStreaming } from '../streaming/sink.js';
import { type CacheEntry, type CacheStore, InMemoryCacheStore } from './cache-store.js';
import { SingleFlight } from './single-flight.js';
import { stableKey } from './stable-key.js';

/**
 * Options of {@link CachePrimitive}.
 *
 * @example
 * ```ts
 * new CachePrimitive(callModel, { ttlMs: 600_000, maxSize: 5000, cacheIf: (reply) => reply.text !== '' });
 * ```
 */
export interface CacheOptions<I, O> extends PrimitiveOptions {
  /** The cache key of an input. Default: `stableKey(input)` (key order ignored, collision-free). */
  key?: ((input: I, context: WorkflowContext) => string) | undefined;
  /** How long an entry lives, in ms. Default: 3600000 (one hour). */
  ttlMs?: number | undefined;
  /** Most entries kept by the default in-memory store (LRU). Default: 1000. Not with `store`. */
  maxSize?: number | undefined;
  /** Whether to cache an output (e.g. skip refusals or empty answers). Default: cache everything. */
  cacheIf?: ((output: O) => boolean) | undefined;
  /** Where entries live. Default: a new `InMemoryCacheStore({ maxSize })`. */
  store?: CacheStore<O> | undefined;
  /** Prefix of this cache's keys in the store (caches sharing a store and namespace share entries). Default: the name. */
  namespace?: string | undefined;
}

/**
 * What {@link CachePrimitive.stats} reports.
 *
 * @example
 * ```ts
 * const { hitRate, size } = cache.stats();
 * ```
 */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries the store evicted to make room (0 if the store cannot tell). */
  evictions: number;
  /** Entries in the store now (0 if the store cannot tell). */
  size: number;
  /** hits / (hits + misses), from 0 to 1 (0 before any lookup). */
  hitRate: number;
}

/** The options of {@link CachePrimitive}: checks, defaults and what `describe()` shows. */
/** The default key; known by identity, so a hit can skip the execute path (see `execute`). */
// No input equals it (`Object.is`): the fast path's memo starts empty.
const NO_INPUT = Symbol('no input');

function defaultKey(input: unknown): string {
  return stableKey(input);
}

export const CACHE_OPTIONS = declareOptions('CachePrimitive', {
  key: fn<(input: unknown, context: WorkflowContext) => string>(defaultKey, '`stableKey(input)`'),
  ttlMs: number({ positive: true }, 3_600_000),
  maxSize: optional(integer(1, undefined, { docDefault: '`1000`', describe: false })),
  cacheIf: optional(fn<(output: unknown) => boolean>(undefined, 'cache all')),
  store: optionalObject<CacheStore<unknown>>('`InMemoryCacheStore`'),
  namespace: nameLike("the primitive's name"),
});

/**
 * Caches the outputs of `inner` by input (LRU + TTL by default). Concurrent misses for one key
 * call `inner` once and share the outcome (single-flight): a failure is delivered to every waiter
 * and not cached; a waiter that is cancelled leaves without cancelling the others (the shared call
 * is cancelled only when every waiter has left). A failing store never fails the workflow: the
 * cache calls `inner` and emits a `cache-error` event. Emits `cache-hit` / `cache-miss` events.
 *
 * @example
 * ```ts
 * const cachedAnswer = new CachePrimitive(callModel, { ttlMs: 10 * 60_000, maxSize: 5000 });
 * ```
 */
export class CachePrimitive<I, O, C = unknown> extends WorkflowPrimitive<I, O> {
  /** Type-only: it streams what the step it wraps streams. */
  declare readonly '~chunk': C;
  override readonly type = 'cache';
  readonly inner: WorkflowPrimitive<I, O>;
  readonly ttlMs: number;
  readonly #options: Resolved<typeof CACHE_OPTIONS.specs>;
  readonly #key: (input: I, context: WorkflowContext) => string;
  readonly #cacheIf: ((output: O) => boolean) | undefined;
  readonly #store: CacheStore<O>;
  readonly #namespace: string | undefined;
  // The key prefix, kept with the name it was made from (a derived name is set when composed).
  #prefix = '';
  #prefixName = '';
  readonly #flights = new SingleFlight<O>();
  #hits = 0;
  #misses = 0;
  // A hit can be answered before the execute path: default key, an in-process store.
  readonly #fastHits: boolean;
  // The chunks of streaming calls in flight, by key, for callers that join them.
  readonly #recording = new Map<string, { path: string; chunk: unknown }[]>();
  // The key (and a miss) the fast path already found, for the run() it hands over to.
  #known: { readonly input: I; readonly key: string } | undefined;
  // The fast path's last primitive input (a string, a number…) and its key and store key: the
  // same input again (a hot prompt) is neither encoded nor hashed again (V8 keeps a string's hash
  // on the string, so looking up the same key string is cheaper than a freshly built equal one).
  #lastInput: unknown = NO_INPUT;
  #lastPrefix = '';
  #lastKey = '';
  #lastStoreKey = '';

  constructor(inner: WorkflowPrimitive<I, O> & Streams<C>, options: CacheOptions<I, O> = {}) {
    super(options);
    requirePrimitive('CachePrimitive', 'inner', inner);
    const o = CACHE_OPTIONS.resolve(options, this.name);
    if (o.store !== undefined && o.maxSize !== undefined) {
      throw new TypeError(
        'CachePrimitive: maxSize applies to the default store; size the store you pass instead',
      );
    }
    this.inner = inner;
    this.#options = o;
    this.ttlMs = o.ttlMs;
    this.#key = o.key;
    this.#cacheIf = o.cacheIf;
    this.#store =
      (o.store as CacheStore<O> | undefined) ?? new InMemoryCacheStore<O>({ maxSize: o.maxSize });
    this.#namespace = o.namespace;
    if (o.namespace !== undefined) this.#prefix = `${o.namespace}:`;
    this.#fastHits = o.key === defaultKey && this.#store instanceof InMemoryCacheStore;
    this.adoptChildren();
  }

  /**
   * A root call whose answer is in the in-process store returns it at once: nothing observes it
   * (no hooks, no interceptor, no stream), the default key needs no context, and no step runs, so
   * no context, AsyncLocalStorage frame or execute path is needed (a hit no slower than a
   * hand-written `Map` LRU). Anything else takes the full path.
   */
  override execute(input: I, context?: WorkflowContext): Promise<O> {
    if (
      !this.#fastHits ||
      context !== undefined ||
      hasAroundHooks() ||
      hasEventListeners() ||
      interceptorsEnabled() ||
      currentContext() !== undefined
    )
      return super.execute(input, context);
    const prefix = this.#keyPrefix();
    let key = this.#lastKey;
    let storeKey = this.#lastStoreKey;
    if (!Object.is(input, this.#lastInput) || prefix !== this.#lastPrefix) {
      try {
        key = defaultKey(input);
      } catch (error) {
        return Promise.reject(error);
      }
      storeKey = prefix + key;
      if (typeof input !== 'object' && typeof input !== 'function') {
        this.#lastInput = input;
        this.#lastPrefix = prefix;
        this.#lastKey = key;
        this.#lastStoreKey = storeKey;
      }
    }
    const entry = this.#store.get(storeKey) as CacheEntry<O> | undefined;
    if (entry !== undefined && !isRecordedStream(entry.value)) {
      this.#hits++;
      return Promise.resolve(entry.value);
    }
    // A miss (or a recorded stream): the full path, without computing the key twice.
    this.#known = entry === undefined ? { input, key } : undefined;
    return super.execute(input, context);
  }

  /** The prefix of this cache's keys in the store: `namespace` (default: the step's name) and `:`. */
  #keyPrefix(): string {
    if (this.#namespace === undefined && this.#prefixName !== this.name) {
      this.#prefixName = this.name;
      this.#prefix = `${this.name}:`;
    }
    return this.#prefix;
  }

  /** Hit and miss counts, evictions, size and hit rate. */
  stats(): CacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#store.evictions ?? 0,
      size: this.#store.size ?? 0,
      hitRate: lookups === 0 ? 0 : this.#hits / lookups,
    };
  }

  /** Removes the entry for a key (as the `key` option computes it); true if there was one. */
  async invalidate(key: string): Promise<boolean> {
    return this.#store.delete(this.#keyPrefix() + key);
  }

  /** Removes every entry of the store and zeroes the statistics. */
  async clear(): Promise<void> {
    await this.#store.clear();
    this.#hits = 0;
    this.#misses = 0;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return { ...CACHE_OPTIONS.describe(this.#options), namespace: this.#keyPrefix().slice(0, -1) };
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return [{ primitive: this.inner }];
  }

  protected run(input: I, context: WorkflowContext): Promise<O> | O {
    const known = this.#known;
    this.#known = undefined;
    // Handed over by `execute` in the same turn: a miss already looked up.
    if (known !== undefined && known.input === input)
      return this.#afterLookup(undefined, known.key, input, context);
    const key = this.#key(input, context);
    if (typeof key !== 'string')
      throw new TypeError(`${this.name}: the key function must return a string`);
    let found: CacheEntry<O> | undefined | Promise<CacheEntry<O> | undefined>;
    try {
      found = this.#store.get(this.#keyPrefix() + key);
    } catch (error) {
      found = Promise.reject(error);
    }
    if (!isPromise(found)) return this.#afterLookup(found, key, input, context);
    const lookup = found.then(
      (entry) => entry,
      (error: unknown) => {
        this.emit({ type: 'cache-error', operation: 'get', key, error }, context);
        return undefined;
      },
    );
    // A caller that leaves during a slow lookup is released at once.
    const signal = context.signal;
    return (signal === undefined ? lookup : waitFor({ promise: lookup, signal })).then((entry) =>
      this.#afterLookup(entry, key, input, context),
    );
  }

  #afterLookup(
    entry: CacheEntry<O> | undefined,
    key: string,
    input: I,
    context: WorkflowContext,
  ): Promise<O> | O {
    if (entry !== undefined) {
      this.#hits++;
      this.emit({ type: 'cache-hit', key }, context);
      const value: unknown = entry.value;
      if (!isRecordedStream<O>(value)) return value as O;
      // A streamed answer: its chunks go to a streaming consumer again, as they first came.
      return isStreaming(context)
        ? replayChunks(context, value.chunks).then(() => value.output)
        : value.output;
    }
    this.#misses++;
    this.emit({ type: 'cache-miss', key }, context);
    // In a streaming run the chunks are kept with the output (see recorded-stream.ts).
    const chunks: { path: string; chunk: unknown }[] = [];
    let started = false;
    const result = this.#flights.run(
      key,
      context,
      (shared) => {
        started = true;
        this.#recording.set(key, chunks);
        const running = this.inner.execute(input, recordingContext(shared, chunks));
        // A failed call is not saved (settle does not run): forget its chunks here.
        running.catch(() => {
          if (this.#recording.get(key) === chunks) this.#recording.delete(key);
        });
        return running;
      },
      (value) => {
        if (this.#recording.get(key) === chunks) this.#recording.delete(key);
        return this.#save(key, value, chunks, context);
      },
    );
    if (started || !isStreaming(context)) return result;
    // Joined a call already in flight: its chunks went to the caller that started it. This
    // streaming caller gets them too, all of them, once the call has answered.
    const recorded = this.#recording.get(key);
    if (recorded === undefined) return result;
    return result.then(async (value) => {
      await replayChunks(context, recorded);
      return value;
    });
  }

  async #save(
    key: string,
    value: O,
    chunks: RecordedStream<O>['chunks'],
    context: WorkflowContext,
  ): Promise<void> {
    try {
      if (this.#cacheIf === undefined || this.#cacheIf(value))
        await this.#store.set(
          this.#keyPrefix() + key,
          (chunks.length === 0 ? value : recordedStream(value, chunks)) as O,
          this.ttlMs,
        );
    } catch (error) {
      this.emit({ type: 'cache-error', operation: 'set', key, error }, context);
    }
  }
}
