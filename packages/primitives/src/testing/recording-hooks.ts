import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkflowContext } from '@tta/agent-context';
import type { PrimitiveEvent, PrimitiveHooks } from '@tta/primitives';

/**
 * One primitive execution seen by {@link createRecordingHooks}.
 *
 * @example
 * ```ts
 * const failed = recorder.executions.filter((e: ExecutionRecord) => e.status === 'error');
 * ```
 */
export interface ExecutionRecord {
  /** Order of starting, from 0. */
  readonly id: number;
  /** The enclosing execution's id, if any. */
  readonly parentId: number | undefined;
  /** 0 for a top-level execution. */
  readonly depth: number;
  readonly type: string;
  readonly name: string;
  readonly input: unknown;
  readonly context: WorkflowContext;
  status: 'running' | 'success' | 'error';
  output?: unknown;
  error?: unknown;
  /** Epoch milliseconds. */
  readonly startTime: number;
  durationMs?: number;
}

/**
 * Hooks that remember everything, for assertions in tests.
 *
 * @example
 * ```ts
 * const recorder: RecordingHooks = createRecordingHooks();
 * registerHooks(recorder);
 * ```
 */
export interface RecordingHooks extends PrimitiveHooks {
  /** Every execution, in the order they started. */
  readonly executions: ExecutionRecord[];
  /** Every event, in the order emitted. */
  readonly events: PrimitiveEvent[];
  /** The executions as an indented tree: `type name status`, one per line. */
  tree(): string;
  /** Forgets everything recorded. */
  clear(): void;
}

/**
 * Hooks that record every execution (with nesting, input, output or error, duration) and every
 * event. Register them with `registerHooks`.
 *
 * @example
 * ```ts
 * const recorder = createRecordingHooks();
 * const unregister = registerHooks(recorder);
 * await workflow.execute('hi');
 * expect(recorder.events.map((e) => e.type)).toContain('route');
 * console.log(recorder.tree());
 * unregister();
 * ```
 */
export function createRecordingHooks(): RecordingHooks {
  const parent = new AsyncLocalStorage<ExecutionRecord>();
  const executions: ExecutionRecord[] = [];
  const events: PrimitiveEvent[] = [];
  return {
    executions,
    events,
    async aroundExecute(info, next) {
      const enclosing = parent.getStore();
      const record: ExecutionRecord = {
        id: executions.length,
        parentId: enclosing?.id,
        depth: enclosing === undefined ? 0 : enclosing.depth + 1,
        type: info.primitive.type,
        name: info.primitive.name,
        input: info.input,
        context: info.context,
        status: 'running',
        startTime: Date.now(),
      };
      executions.push(record);
      const started = performance.now();
      try {
        record.output = await parent.run(record, next);
        record.status = 'success';
        return record.output;
      } catch (error) {
        record.status = 'error';
        record.error = error;
        throw error;
      } finally {
        record.durationMs = performance.now() - started;
      }
    },
    onEvent(event) {
      events.push(event);
    },
    tree() {
      return executions
        .map((e) => `${'  '.repeat(e.depth)}${e.type} ${e.name} ${e.status}`)
        .join('\n');
    },
    clear() {
      executions.length = 0;
      events.length = 0;
    },
  };
}
