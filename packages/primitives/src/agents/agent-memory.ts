import {
  type ContextStore,
  InMemoryStore,
  StoreDataError,
  type WorkflowContext,
} from '@tta/agent-context';
import { type PrimitiveOptions, WorkflowPrimitive } from '@tta/primitives';
import { declareOptions, made, oneOf } from '../internal/options.js';

/**
 * Whose memory: this workflow's, this session's, or everyone's.
 *
 * @example
 * ```ts
 * const scope: MemoryScope = shared ? 'global' : 'session';
 * ```
 */
export type MemoryScope = 'workflow' | 'session' | 'global';

/**
 * One remembered item.
 *
 * @example
 * ```ts
 * const { entries } = await memory.execute({ op: 'list' }, ctx); entries.forEach((e: MemoryEntry) => console.log(e.key, e.agentId));
 * ```
 */
export interface MemoryEntry {
  readonly key: string;
  readonly value: unknown;
  /** The agent that stored it (default: the context's `agentId`). */
  readonly agentId: string | undefined;
  readonly tags: readonly string[];
  readonly scope: MemoryScope;
  /** Epoch ms. */
  readonly createdAt: number;
}

/**
 * What an {@link AgentMemoryPrimitive} is asked to do.
 *
 * @example
 * ```ts
 * await memory.execute({ op: 'query', tags: ['billing'], limit: 5 }, ctx);
 * ```
 */
export type AgentMemoryRequest =
  | { op: 'store'; key: string; value: unknown; tags?: string[]; agentId?: string; ttlMs?: number }
  | { op: 'retrieve'; key: string }
  | { op: 'query'; agentId?: string; tags?: string[]; limit?: number }
  | { op: 'list'; limit?: number };

/**
 * What it answers (entries newest first).
 *
 * @example
 * ```ts
 * const result = await memory.execute({ op: 'retrieve', key: 'plan' }, ctx);
 * if (result.op === 'retrieve') console.log(result.entry?.value);
 * ```
 */
export type AgentMemoryResult =
  | { op: 'store'; entry: MemoryEntry }
  | { op: 'retrieve'; entry: MemoryEntry | undefined }
  | { op: 'query'; entries: MemoryEntry[] }
  | { op: 'list'; entries: MemoryEntry[] };

/**
 * The result of one request: `execute({ op: 'retrieve', … })` gives `{ op: 'retrieve', entry }`.
 *
 * @example
 * ```ts
 * type Retrieved = AgentMemoryResultOf<{ op: 'retrieve'; key: string }>; // { op: 'retrieve'; entry: MemoryEntry | undefined }
 * ```
 */
export type AgentMemoryResultOf<R extends AgentMemoryRequest> = Extract<
  AgentMemoryResult,
  { op: R['op'] }
>;

/**
 * Options of {@link AgentMemoryPrimitive}.
 *
 * @example
 * ```ts
 * new AgentMemoryPrimitive({ store: new RedisStore({ url }), scope: 'global' });
 * ```
 */
export interface AgentMemoryOptions extends PrimitiveOptions {
  /** Where memories live (a `FileStore` or `RedisStore` to keep them). Default: a new `InMemoryStore`. */
  store?: ContextStore | undefined;
  /** Default: `'session'` (needs `ctx.sessionId`; `'workflow'` needs `ctx.workflowId`). */
  scope?: MemoryScope | undefined;
}

/** The options of {@link AgentMemoryPrimitive}: checks, defaults and what `describe()` shows. */
export const MEMORY_OPTIONS = declareOptions('AgentMemoryPrimitive', {
  store: made<ContextStore>(() => new InMemoryStore(), 'a new `InMemoryStore`'),
  scope: oneOf<MemoryScope>(['workflow', 'session', 'global'], 'session'),
});

function isEntry(value: unknown): value is MemoryEntry {
  const v = value as Partial<MemoryEntry> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.key === 'string' &&
    typeof v.createdAt === 'number' &&
    Array.isArray(v.tags)
  );
}

/**
 * Agent memory over a `ContextStore`: `store`, `retrieve` by key, `query` by agent and tags, and
 * `list`, newest first, within a scope (this workflow, this session, or global).
 *
 * @example
 * ```ts
 * const memory = new AgentMemoryPrimitive({ store: new FileStore({ dir: './memory' }), scope: 'session' });
 * await memory.execute({ op: 'store', key: 'user-plan', value: 'pro', tags: ['billing'] }, ctx);
 * const { entries } = await memory.execute({ op: 'query', tags: ['billing'] }, ctx);
 * ```
 */
export class AgentMemoryPrimitive extends WorkflowPrimitive<AgentMemoryRequest, AgentMemoryResult> {
  override readonly type = 'agent-memory';
  readonly scope: MemoryScope;
  readonly #store: ContextStore;

  constructor(options: AgentMemoryOptions = {}) {
    super(options);
    const o = MEMORY_OPTIONS.resolve(options, this.name);
    if (typeof o.store.keys !== 'function') {
      throw new TypeError('AgentMemoryPrimitive: store must be a ContextStore');
    }
    this.scope = o.scope;
    this.#store = o.store;
  }

  /** Runs one request; the result's type follows the request's `op`. */
  override execute<R extends AgentMemoryRequest>(
    request: R,
    context?: WorkflowContext,
  ): Promise<AgentMemoryResultOf<R>> {
    return super.execute(request, context) as Promise<AgentMemoryResultOf<R>>;
  }

  protected override describeOptions(): Record<string, string | number | boolean> {
    return MEMORY_OPTIONS.describe({ store: this.#store, scope: this.scope });
  }

  #prefix(context: WorkflowContext): string {
    if (this.scope === 'global') return 'agent-memory:global:';
    const id = this.scope === 'workflow' ? context.workflowId : context.sessionId;
    if (id === undefined) {
      throw new TypeError(
        `${this.name}: the ${this.scope} scope needs the context's ${this.scope === 'workflow' ? 'workflowId' : 'sessionId'}`,
      );
    }
    return `agent-memory:${this.scope}:${id}:`;
  }

  protected async run(
    request: AgentMemoryRequest,
    context: WorkflowContext,
  ): Promise<AgentMemoryResult> {
    const prefix = this.#prefix(context);
    switch (request?.op) {
      case 'store': {
        if (typeof request.key !== 'string' || request.key.length === 0)
          throw new TypeError(`${this.name}: key must be a non-empty string`);
        const entry: MemoryEntry = {
          key: request.key,
          value: request.value,
          agentId: request.agentId ?? context.agentId,
          tags: [...(request.tags ?? [])],
          scope: this.scope,
          createdAt: Date.now(),
        };
        await this.#store.set(
          prefix + request.key,
          entry,
          request.ttlMs === undefined ? undefined : { ttlMs: request.ttlMs },
        );
        return { op: 'store', entry };
      }
      case 'retrieve': {
        const entry = await this.#store.get(prefix + request.key);
        return {
          op: 'retrieve',
          entry: entry === undefined ? undefined : this.#checked(prefix + request.key, entry),
        };
      }
      case 'query':
      case 'list': {
        const entries: MemoryEntry[] = [];
        for (const key of await this.#store.keys(prefix)) {
          const entry = await this.#store.get(key);
          if (entry !== undefined) entries.push(this.#checked(key, entry));
        }
        const wantTags = request.op === 'query' ? (request.tags ?? []) : [];
        const wantAgent = request.op === 'query' ? request.agentId : undefined;
        const matching = entries
          .filter(
            (e) =>
              (wantAgent === undefined || e.agentId === wantAgent) &&
              wantTags.every((t) => e.tags.includes(t)),
          )
          .sort((a, b) => b.createdAt - a.createdAt);
        return {
          op: request.op,
          entries: request.limit === undefined ? matching : matching.slice(0, request.limit),
        };
      }
      default:
        throw new TypeError(`${this.name}: op must be store, retrieve, query or list`);
    }
  }

  #checked(key: string, value: unknown): MemoryEntry {
    if (!isEntry(value))
      throw new StoreDataError({ key, reason: 'it is not an agent memory entry' });
    return value;
  }
}
