import type { PrimitiveEvent, PrimitiveHooks } from '@tta/primitives';

/**
 * One structured line about a finished primitive execution, or an event.
 *
 * @example
 * ```ts
 * const sink = (record: LogRecord) => { if (record.kind === 'execution' && record.status === 'error') alert(record); };
 * ```
 */
export type LogRecord =
  | {
      kind: 'execution';
      type: string;
      name: string;
      status: 'success' | 'error';
      durationMs: number;
      correlationId: string;
      workflowId: string | undefined;
      errorType?: string;
    }
  | {
      kind: 'event';
      event: PrimitiveEvent['type'];
      name: string;
      correlationId: string;
      detail: Record<string, unknown>;
    };

/**
 * Options of {@link createLoggingHooks}.
 *
 * @example
 * ```ts
 * registerHooks(createLoggingHooks({ sink: (record) => logger.info(record), logSuccess: false }));
 * ```
 */
export interface LoggingHooksOptions {
  /** Receives each record. Default: `console.log` of the record as one JSON line. */
  sink?: ((record: LogRecord) => void) | undefined;
  /** Log successful executions too, not only failures and events. Default: `true`. */
  logSuccess?: boolean | undefined;
}

const EVENT_FIELDS = new Set(['type', 'primitive', 'context', 'time']);

/**
 * Hooks that write one structured record per primitive execution (type, name, status,
 * duration, correlation id) and per event. Labels only: inputs and outputs are never logged.
 *
 * @example
 * ```ts
 * registerHooks(createLoggingHooks({ sink: (r) => logger.info(r) }));
 * ```
 */
export function createLoggingHooks(options: LoggingHooksOptions = {}): PrimitiveHooks {
  const sink = options.sink ?? ((record: LogRecord) => console.log(JSON.stringify(record)));
  const logSuccess = options.logSuccess ?? true;
  return {
    async aroundExecute(info, next) {
      const started = performance.now();
      const base = {
        kind: 'execution' as const,
        type: info.primitive.type,
        name: info.primitive.name,
        correlationId: info.context.correlationId,
        workflowId: info.context.workflowId,
      };
      try {
        const result = await next();
        if (logSuccess)
          sink({ ...base, status: 'success', durationMs: performance.now() - started });
        return result;
      } catch (error) {
        const errorType = error instanceof Error ? error.name : typeof error;
        sink({ ...base, status: 'error', durationMs: performance.now() - started, errorType });
        throw error;
      }
    },
    onEvent(event) {
      const detail: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event)) {
        if (EVENT_FIELDS.has(key)) continue;
        detail[key] = value instanceof Error ? `${value.name}: ${value.message}` : value;
      }
      sink({
        kind: 'event',
        event: event.type,
        name: event.primitive.name,
        correlationId: event.context.correlationId,
        detail,
      });
    },
  };
}
