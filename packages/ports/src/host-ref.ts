/** The member whose vendor account a step acts in: their own connection, or the app's by their email. */
export interface HostRef {
  memberId: string;
  /** Server-to-Server OAuth and delegation act by this address: it must be the member's login there. */
  email: string;
}
