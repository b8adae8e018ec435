// One listener per source signal, however many contexts and waits follow it at once: a long-lived
// signal (a server's shutdown signal) followed by many concurrent runs gets one listener, not one
// per run (no MaxListenersExceededWarning, nothing retained per run), and none once nobody follows.

interface Followers {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const bySignal = new WeakMap<AbortSignal, Followers>();

/** Calls `callback` when `source` aborts; returns the function that stops following. */
export function follow(source: AbortSignal, callback: () => void): () => void {
  let followers = bySignal.get(source);
  if (followers === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      bySignal.delete(source);
      for (const notify of [...callbacks]) notify();
    };
    followers = { callbacks, listener };
    bySignal.set(source, followers);
    source.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = followers;
  callbacks.add(callback);
  return () => {
    if (!callbacks.delete(callback) || callbacks.size > 0) return;
    // The last follower left: take the listener off the signal too.
    source.removeEventListener('abort', listener);
    if (bySignal.get(source)?.callbacks === callbacks) bySignal.delete(source);
  };
}
