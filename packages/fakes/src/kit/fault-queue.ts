// Injected faults, consumed in the order they were injected: each vendor names its own kinds and says
// which requests a fault may hit; the queue counts them down.

/** What every injectable fault has: its kind, and how many times it fires (default: until reset). */
export interface InjectableFault {
  kind: string;
  times?: number;
}

/** A fault aimed at some requests: `path` (tested against the path, without the query) and `method`. */
export interface FaultAim {
  path?: RegExp;
  method?: string;
}

/**
 * A fault for the next `times` requests to the vendor's API, or to those matching `path` (tested
 * against the path without the query, e.g. /oauth/token) and `method`; it may tell the client when
 * to come back (`retryAfterSeconds`).
 */
export interface AimedFault extends FaultAim {
  times: number;
  retryAfterSeconds?: number;
}

/** The next `times` aimed requests fail with a 5xx. */
export interface ServerErrorFault extends AimedFault {
  kind: 'status';
  status: 500 | 502 | 503 | 504;
}

/** The request a fault is played against. */
export interface FaultTarget {
  method: string;
  path: string;
}

/** Whether an aimed fault hits `target`; one aimed at no path hits only the vendor's API (`inApi`). */
export const faultHits = (aim: FaultAim, target: FaultTarget, inApi: (path: string) => boolean): boolean => {
  if (aim.method && aim.method.toUpperCase() !== target.method) return false;
  if (aim.path) {
    aim.path.lastIndex = 0;
    return aim.path.test(target.path);
  }
  return inApi(target.path);
};

interface Pending<F> {
  fault: F;
  remaining: number;
}

export class FaultQueue<F extends InjectableFault> {
  private pending: Array<Pending<F>> = [];

  /** `applies`: whether a pending fault hits this request (default: every one). */
  constructor(private readonly applies: (fault: F, target: FaultTarget) => boolean = () => true) {}

  add(fault: F): void {
    const times = fault.times ?? Number.POSITIVE_INFINITY;
    if (times > 0) this.pending.push({ fault: { ...fault }, remaining: times });
  }

  /** Uses up one of the first pending fault of this kind that applies to `target`. */
  take<K extends F['kind']>(kind: K, target: FaultTarget): Extract<F, { kind: K }> | undefined {
    const entry = this.pending.find((p) => p.fault.kind === kind && this.applies(p.fault, target));
    return entry ? (this.use(entry) as Extract<F, { kind: K }>) : undefined;
  }

  /** Uses up one of the first pending fault, whatever its kind. */
  takeNext(): F | undefined {
    const entry = this.pending[0];
    return entry ? this.use(entry) : undefined;
  }

  clear(): void {
    this.pending = [];
  }

  private use(entry: Pending<F>): F {
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending = this.pending.filter((p) => p !== entry);
    return entry.fault;
  }
}
