// Live recomputation while the user drags: at most one request in flight, and when it returns
// the newest edit made meanwhile runs next (older ones are skipped). Unlike a plain debounce this
// keeps results coming during a long drag, and a slow early answer can never overwrite a newer.

export interface LatestOutcome<R> {
  ok: boolean;
  value?: R;
  error?: unknown;
  /** From the request's start until its answer arrived, ms. */
  elapsedMs: number;
  /** performance.now() when the request started. */
  startedAt: number;
}

export interface Latest<T> {
  /** Run `input` now if idle, else after the request in flight (replacing any waiting input). */
  push(input: T): void;
  /** True while a request is in flight or waiting. */
  busy(): boolean;
  /** Drop waiting work and ignore the answer in flight. */
  dispose(): void;
}

export function latest<T, R>(
  run: (input: T) => Promise<R>,
  onOutcome: (outcome: LatestOutcome<R>) => void,
  quietMs = 0,
  now: () => number = () => performance.now(),
): Latest<T> {
  let inFlight = false;
  let waiting: { input: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  async function start(input: T) {
    inFlight = true;
    const startedAt = now();
    let outcome: LatestOutcome<R>;
    try {
      outcome = { ok: true, value: await run(input), elapsedMs: 0, startedAt };
    } catch (error) {
      outcome = { ok: false, error, elapsedMs: 0, startedAt };
    }
    inFlight = false;
    if (disposed) return;
    outcome.elapsedMs = now() - startedAt;
    // An answer already overtaken by a waiting edit is not shown: the next one follows at once.
    if (waiting) {
      const next = waiting.input;
      waiting = null;
      void start(next);
      return;
    }
    onOutcome(outcome);
  }

  return {
    push(input) {
      if (disposed) return;
      if (inFlight) {
        waiting = { input };
        return;
      }
      clearTimeout(timer);
      if (quietMs <= 0) {
        void start(input);
      } else {
        timer = setTimeout(() => void start(input), quietMs);
      }
    },
    busy: () => inFlight || waiting !== null,
    dispose() {
      disposed = true;
      waiting = null;
      clearTimeout(timer);
    },
  };
}
