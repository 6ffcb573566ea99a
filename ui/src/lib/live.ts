// Live recomputation as the user types: wait until edits pause, run the request, and keep only
// the answer to the latest edit (a slow early answer must never overwrite a newer one).

export interface LiveOutcome<R> {
  ok: boolean;
  value?: R;
  error?: unknown;
  /** Round trip of the request that produced this outcome, ms. */
  elapsedMs: number;
}

export interface Live<T> {
  /** Schedule a run with `input` after the quiet period; replaces any pending input. */
  push(input: T): void;
  /** Run now, skipping the quiet period (first load, explicit refresh). */
  flush(input: T): void;
  /** Drop pending work and ignore answers still in flight. */
  dispose(): void;
}

export function live<T, R>(
  run: (input: T) => Promise<R>,
  onOutcome: (outcome: LiveOutcome<R>) => void,
  quietMs: number,
  now: () => number = () => performance.now(),
): Live<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  let disposed = false;

  async function start(input: T) {
    const seq = ++latest;
    const t0 = now();
    let outcome: LiveOutcome<R>;
    try {
      outcome = { ok: true, value: await run(input), elapsedMs: 0 };
    } catch (error) {
      outcome = { ok: false, error, elapsedMs: 0 };
    }
    if (disposed || seq !== latest) return;
    outcome.elapsedMs = now() - t0;
    onOutcome(outcome);
  }

  return {
    push(input) {
      clearTimeout(timer);
      timer = setTimeout(() => void start(input), quietMs);
    },
    flush(input) {
      clearTimeout(timer);
      void start(input);
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
