// Faults with an end. The fakes' faults last a number of requests (or for ever), and the only way to
// lift one early, reset()/clear(), also forgets the meetings or the received emails. A drill's outage
// lasts a time instead, so:
// - Zoom: the 503 fault applies to requests whose path matches its `path`; a matcher that stops
//   matching ends the outage and leaves the fake's meetings alone.
// - SMTP: the sink's messages are archived before clear() lifts the refusal, so none is lost.
import type { FakeZoom, ParsedMessage, SmtpSink } from '@meetlink/fakes';

/** Matches /v2 calls (as a path-less fault does) until switched off. */
class OutageWindow extends RegExp {
  isOn = true;
  constructor() {
    super('^/v2(/|$)');
  }
  // RegExp.prototype.test and String.prototype.match both go through exec.
  override exec(path: string): RegExpExecArray | null {
    return this.isOn ? super.exec(path) : null;
  }
}

export interface Outage {
  /** Lifts the fault: the next request is answered normally. */
  end(): void;
}

/** Every Zoom API call answers `status` (as Zoom's gateway does) until end(). */
export const startZoomOutage = (zoom: FakeZoom, status: 503 | 502 | 500 = 503): Outage => {
  const window = new OutageWindow();
  zoom.inject({ kind: 'status', status, times: Number.POSITIVE_INFINITY, path: window });
  return {
    end: () => {
      window.isOn = false;
    },
  };
};

export interface MailLog {
  /** Every message the sink received since the drill began, archived ones first. */
  messages(): ParsedMessage[];
  /** The sink refuses every message with `code` until end(). */
  startRefusing(code: 451 | 550): Outage;
}

export const trackMail = (sink: SmtpSink): MailLog => {
  const archived: ParsedMessage[] = [];
  return {
    messages: () => [...archived, ...sink.messages()],
    startRefusing: (code) => {
      sink.inject({ kind: 'reject', code, times: Number.POSITIVE_INFINITY });
      return {
        end: () => {
          // Same tick: the sink runs in this process, so no message lands between the copy and clear().
          archived.push(...sink.messages());
          sink.clear();
        },
      };
    },
  };
};
