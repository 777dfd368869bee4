// What every fake's state starts from: its clock, the faults a test injected and the request log;
// for the fakes with an OAuth provider beside their API, also its tokens and authorization codes.
import { FaultQueue } from './fault-queue';
import type { FaultTarget, InjectableFault } from './fault-queue';
import { AuthorizationCodes, TokenBook } from './oauth/tokens';
import type { OAuthLooks } from './oauth/tokens';
import { RequestLog } from './request-log';
import type { GivenRetryAfter, LoggedRequest } from './request-log';

/** `F` the vendor's faults, `R` its logged requests, `RA` the Retry-Afters it remembers. */
export class FakeState<
  F extends InjectableFault,
  R extends LoggedRequest,
  RA extends GivenRetryAfter = GivenRetryAfter,
> {
  readonly faults: FaultQueue<F>;
  readonly log: RequestLog<R, RA>;

  constructor(
    readonly now: () => Date,
    /** Which requests a pending fault hits. */
    faultApplies: (fault: F, target: FaultTarget) => boolean,
  ) {
    this.faults = new FaultQueue(faultApplies);
    this.log = new RequestLog(now);
  }

  /** Forget injected faults and logged requests. */
  reset(): void {
    this.faults.clear();
    this.log.clear();
  }
}

/** Also `P` whom an access token speaks for, `G` a refresh token's grant, `C` an authorization code's. */
export class OAuthFakeState<
  F extends InjectableFault,
  R extends LoggedRequest,
  P,
  G extends { clientId: string },
  C extends { clientId: string },
  RA extends GivenRetryAfter = GivenRetryAfter,
> extends FakeState<F, R, RA> {
  readonly tokens: TokenBook<P, G>;
  readonly codes: AuthorizationCodes<C>;

  constructor(now: () => Date, faultApplies: (fault: F, target: FaultTarget) => boolean, looks: OAuthLooks) {
    super(now, faultApplies);
    this.tokens = new TokenBook(now, looks);
    this.codes = new AuthorizationCodes(now, looks);
  }

  /** Forget tokens, faults and requests. Authorization codes outlive a reset. */
  override reset(): void {
    super.reset();
    this.tokens.clear();
  }
}
