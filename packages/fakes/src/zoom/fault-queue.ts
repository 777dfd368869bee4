// Injected faults, consumed in the order they were injected. A fault without `path` hits /v2 calls
// only, so a token fetch in front of an API call does not use it up.
import type { FakeZoomFault } from './types';

type Pending = FakeZoomFault & { remaining: number };
type Kind = FakeZoomFault['kind'];
type FaultOf<K extends Kind> = Extract<FakeZoomFault, { kind: K }>;

const matchesPath = (fault: FakeZoomFault, path: string): boolean => {
  if (fault.kind !== 'status' && fault.kind !== 'rate_limit') return true;
  if (fault.path) {
    fault.path.lastIndex = 0;
    return fault.path.test(path);
  }
  return path === '/v2' || path.startsWith('/v2/');
};

export class FaultQueue {
  private pending: Pending[] = [];

  add(fault: FakeZoomFault): void {
    const times = fault.kind === 'latency' ? (fault.times ?? Number.POSITIVE_INFINITY) : fault.times;
    if (times > 0) this.pending.push({ ...fault, remaining: times });
  }

  /** Uses up one of the first pending fault of this kind that applies to `path`. */
  take<K extends Kind>(kind: K, path: string): FaultOf<K> | undefined {
    const fault = this.pending.find((f) => f.kind === kind && matchesPath(f, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending = this.pending.filter((f) => f !== fault);
    const { remaining: _remaining, ...rest } = fault;
    return rest as FaultOf<K>;
  }

  clear(): void {
    this.pending = [];
  }
}
