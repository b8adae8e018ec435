// Time limits on a stream: to its first chunk, and between two chunks. One timer, re-armed lazily:
// a chunk only records the time (no timer work per chunk); when the timer fires it checks the real
// deadline and, if a chunk came meanwhile, sleeps again for what is left.
import { TimeoutError } from '../errors/timeout-error.js';

export interface StreamLimits {
  /** Time from the start to the first chunk. */
  readonly firstChunkMs?: number | undefined;
  /** Time between two chunks (and, without `firstChunkMs`, from the start to the first). */
  readonly idleMs?: number | undefined;
}

export class StreamWatchdog {
  readonly #limits: StreamLimits;
  readonly #step: string;
  readonly #started = Date.now();
  #last: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #fired: TimeoutError | undefined;
  #fail: (error: TimeoutError) => void = () => {};
  /** Rejects with the TimeoutError when a limit passes; never settles otherwise. */
  readonly expired: Promise<never>;

  constructor(step: string, limits: StreamLimits) {
    this.#step = step;
    this.#limits = limits;
    this.expired = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    this.expired.catch(() => {}); // whoever races it handles it; nobody else must
    this.#arm();
  }

  /** The error it rejected with, once a limit passed. */
  get fired(): TimeoutError | undefined {
    return this.#fired;
  }

  chunk(): void {
    this.#last = Date.now();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** The limit that applies now: its phase, its length and when it passes (undefined: none). */
  #current(): { phase: 'first-chunk' | 'idle'; ms: number; at: number } | undefined {
    const { firstChunkMs, idleMs } = this.#limits;
    if (this.#last === undefined) {
      if (firstChunkMs !== undefined)
        return { phase: 'first-chunk', ms: firstChunkMs, at: this.#started + firstChunkMs };
      if (idleMs !== undefined) return { phase: 'idle', ms: idleMs, at: this.#started + idleMs };
      return undefined;
    }
    return idleMs === undefined
      ? undefined
      : { phase: 'idle', ms: idleMs, at: this.#last + idleMs };
  }

  #arm(): void {
    const limit = this.#current();
    if (limit === undefined || this.#stopped) return;
    this.#timer = setTimeout(
      () => {
        const now = this.#current();
        if (now === undefined || this.#stopped) return;
        if (Date.now() < now.at) return this.#arm(); // a chunk came: wait for what is left
        this.#stopped = true;
        this.#fired = new TimeoutError({ step: this.#step, timeoutMs: now.ms, phase: now.phase });
        this.#fail(this.#fired);
      },
      Math.max(0, limit.at - Date.now()),
    );
    this.#timer.unref?.();
  }
}
