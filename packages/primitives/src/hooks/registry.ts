import { WorkflowContext } from '@tta/agent-context';
import type { PrimitiveEvent } from './events.js';
import type { ExecutionInfo, PrimitiveHooks, RegisterHooksOptions } from './hooks.js';

interface Registration {
  readonly hooks: PrimitiveHooks;
  readonly onError: (error: unknown, hook: 'aroundExecute' | 'onEvent') => void;
}

interface HookRegistry {
  /** Replaced, never mutated, so an execution in flight keeps the list it started with. */
  registrations: readonly Registration[];
  around: readonly Registration[];
  listeners: readonly Registration[];
}

// One registry per process, shared by the ESM and CommonJS builds.
const REGISTRY_KEY = Symbol.for('tta.primitives.hooks');
const globalStore = globalThis as { [REGISTRY_KEY]?: HookRegistry };
globalStore[REGISTRY_KEY] ??= { registrations: [], around: [], listeners: [] };
const registry: HookRegistry = globalStore[REGISTRY_KEY];

function setRegistrations(registrations: readonly Registration[]): void {
  registry.registrations = registrations;
  registry.around = registrations.filter((r) => typeof r.hooks.aroundExecute === 'function');
  registry.listeners = registrations.filter((r) => typeof r.hooks.onEvent === 'function');
}

function warnOnce(): Registration['onError'] {
  let warned = false;
  return (error, hook) => {
    if (warned) return;
    warned = true;
    process.emitWarning(
      `A TTA.dev ${hook} hook threw and was ignored: ${String(error)}`,
      'TtaHookWarning',
    );
  };
}

/**
 * Registers hooks for every primitive execution in this process and returns a function that
 * unregisters them. With nothing registered, executing a primitive costs one length check.
 *
 * @example
 * ```ts
 * const recorder = createRecordingHooks();
 * const unregister = registerHooks(recorder);
 * await workflow.execute(input);
 * unregister();
 * ```
 */
export function registerHooks(hooks: PrimitiveHooks, options?: RegisterHooksOptions): () => void {
  if (typeof hooks !== 'object' || hooks === null)
    throw new TypeError('registerHooks: hooks must be an object');
  const registration: Registration = { hooks, onError: options?.onError ?? warnOnce() };
  setRegistrations([...registry.registrations, registration]);
  return () => setRegistrations(registry.registrations.filter((r) => r !== registration));
}

/** True when any registered hook wraps executions (the slow path of `execute`). */
export function hasAroundHooks(): boolean {
  return registry.around.length > 0;
}

/** Sends an event to every listener; a throwing listener is reported and skipped. */
export function emitEvent(event: PrimitiveEvent): void {
  for (const r of registry.listeners) {
    try {
      r.hooks.onEvent?.(event);
    } catch (error) {
      reportSafely(r, error, 'onEvent');
    }
  }
}

/** True when some hook listens to events (lets primitives skip building them). */
export function hasEventListeners(): boolean {
  return registry.listeners.length > 0;
}

/**
 * Runs `step` inside every `aroundExecute` hook, first registered outermost. A hook may hand the
 * next level (and finally the step) a different context.
 */
export function runAroundHooks<T>(
  info: ExecutionInfo,
  step: (context: WorkflowContext) => Promise<T>,
): Promise<T> {
  const registrations = registry.around;
  const level = (index: number, levelInfo: ExecutionInfo): Promise<T> => {
    const registration = registrations[index];
    if (registration === undefined) return step(levelInfo.context);
    const around = registration.hooks.settlesWithStep === true ? trustAround : guardAround;
    return around(registration, levelInfo, (context) =>
      level(
        index + 1,
        context === undefined || context === levelInfo.context
          ? levelInfo
          : { primitive: levelInfo.primitive, input: levelInfo.input, context },
      ),
    );
  };
  return level(0, info);
}

/**
 * A hook that settles with its step (`settlesWithStep`): its promise is the outcome. Only what the
 * promise cannot carry is guarded: a synchronous throw, or no promise at all, runs the step anyway.
 */
function trustAround<T>(
  registration: Registration,
  info: ExecutionInfo,
  step: (context: WorkflowContext | undefined) => Promise<T>,
): Promise<T> {
  let outcome: Promise<T> | undefined;
  const next = (context?: WorkflowContext): Promise<T> => {
    // Anything but a WorkflowContext is ignored, as in the guarded path.
    outcome ??= step(context instanceof WorkflowContext ? context : undefined);
    return outcome;
  };
  try {
    const kept = registration.hooks.aroundExecute?.(info, next);
    if (kept instanceof Promise) return kept as Promise<T>;
  } catch (error) {
    reportSafely(registration, error, 'aroundExecute');
  }
  return next();
}

type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

function guardAround<T>(
  registration: Registration,
  info: ExecutionInfo,
  step: (context: WorkflowContext | undefined) => Promise<T>,
): Promise<T> {
  let outcome: Promise<T> | undefined;
  // The step's outcome once settled: what the wrapped promise settles with directly, rather than
  // resolving it with `outcome` (one promise job fewer per hook and step).
  let settled: Settled<T> | undefined;
  const next = (context?: WorkflowContext): Promise<T> => {
    if (outcome === undefined) {
      // Anything but a WorkflowContext is ignored: a buggy hook cannot break the step.
      outcome = step(context instanceof WorkflowContext ? context : undefined);
      outcome.then(
        (value) => {
          settled = { ok: true, value };
        },
        (error: unknown) => {
          settled = { ok: false, error };
        },
      );
    }
    return outcome;
  };
  const result = (): T | Promise<T> => {
    if (settled === undefined) return next();
    if (settled.ok) return settled.value;
    throw settled.error;
  };
  let wrapped: Promise<unknown>;
  try {
    wrapped = Promise.resolve(registration.hooks.aroundExecute?.(info, next));
  } catch (error) {
    reportSafely(registration, error, 'aroundExecute');
    return next();
  }
  // Wait for the hook (so a span ends before its parent) but always settle with the step's outcome.
  return wrapped.then(result, (error: unknown) => {
    if (outcome === undefined) {
      reportSafely(registration, error, 'aroundExecute');
      return next();
    }
    return outcome.then(
      (value) => {
        reportSafely(registration, error, 'aroundExecute');
        return value;
      },
      (stepError: unknown) => {
        if (stepError !== error) reportSafely(registration, error, 'aroundExecute');
        throw stepError;
      },
    );
  });
}

function reportSafely(
  registration: Registration,
  error: unknown,
  hook: 'aroundExecute' | 'onEvent',
): void {
  try {
    registration.onError(error, hook);
  } catch {
    // An error handler that throws has nowhere left to report to.
  }
}
