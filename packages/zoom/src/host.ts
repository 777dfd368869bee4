/** The member whose Zoom account hosts a meeting. */
export interface HostRef {
  memberId: string;
  /** Server-to-Server OAuth schedules by this address: it must be the member's Zoom login. */
  email: string;
}
