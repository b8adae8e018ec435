import { createContextKey } from '@tta/agent-context';

// What a durable run offers the steps that wait (for a signal, for a time) while they run: where
// the step is in the journal, and how to suspend. Lives on the step's context, set by the run.

/** A wait that is not over yet: the run stops here and is stored as `suspended`. */
export class SuspendRun {
  constructor(
    readonly waitingFor: string,
    readonly waitStartedAt: number,
    readonly wakeAt: number | undefined,
    /** For a signal wait: its name and which of its signals it needs (to catch one that raced in). */
    readonly signal?: { readonly name: string; readonly index: number },
  ) {}
}

/** What a waiting step gets from its durable run. */
export interface RunServices {
  readonly runId: string;
  /** The step's journal coordinates, `path#seq`: the key of its wait. */
  readonly stepKey: string;
  /** How many signals of this name the run consumed before this step. */
  readonly signalIndex: number;
  /** When this wait began, if the run was suspended on it before (else now). */
  waitStart(key: string): number;
  /** The signals of a name delivered to the run (decoded), oldest first. */
  signals(name: string): Promise<unknown[]>;
}

/** The slot on a waiting step's context that holds its run's services. */
export const RUN_SERVICES = createContextKey<RunServices>('tta.durable.run-services');
