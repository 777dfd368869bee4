// The orphan search over real HTTP against the fake Zoom: every page of the host's scheduled
// meetings (past-start ones included), and a loud stop, never a silent "not found", past the cap.
import { startFakeZoom } from '@meetlink/fakes';
import type { FakeZoom } from '@meetlink/fakes';
import { createZoomTokenSource } from '@meetlink/connections';
import {
  createZoomClient,
  createZoomConferenceProvider,
  credentialsFor,
  toZoomMeetingFields,
} from '@meetlink/zoom';
import type { ZoomClientOptions } from '@meetlink/zoom';
import { ADA, S2S, apiRequests, rejectionOf, specFor } from './harness';

const BUSY = { memberId: 'mem_busy', email: 'busy@example.com' };
/** Two full pages of 300 and a third: the marker that matters is on page 3. */
const BUSY_MEETINGS = 650;

let fake: FakeZoom;

const build = (clientOptions: ZoomClientOptions = {}) => {
  const client = createZoomClient({ apiBaseUrl: fake.apiBaseUrl, ...clientOptions });
  const tokens = createZoomTokenSource({ oauthBaseUrl: fake.oauthBaseUrl, ...S2S }, {});
  return { client, tokens, provider: createZoomConferenceProvider({ client, tokens }) };
};

const listRequests = () =>
  apiRequests(fake).filter((r) => r.method === 'GET' && r.path.endsWith('/meetings'));

const DAY_MS = 24 * 3_600_000;
let lastOnPage3: Awaited<ReturnType<ReturnType<typeof build>['provider']['createMeeting']>>;
let lastMarker: string;

beforeAll(async () => {
  fake = await startFakeZoom({ dailyCreateUpdateLimit: 10_000 });
  fake.addAccount(S2S);
  fake.addUser({ id: 'zu_ada', email: ADA.email, accountId: S2S.accountId });
  fake.addUser({ id: 'zu_busy', email: BUSY.email, accountId: S2S.accountId });

  // The fake lists by start time: the busy host's meetings start a minute apart from tomorrow on,
  // and the one we look for starts last, so it comes on the third page of 300.
  const { client, tokens, provider } = build();
  const auth = credentialsFor(tokens, BUSY, await tokens.getAccessToken(BUSY));
  const tomorrow = Date.now() + DAY_MS;
  for (let batch = 0; batch < BUSY_MEETINGS; batch += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, BUSY_MEETINGS - batch) }, (_, i) =>
        client.createMeeting(auth, BUSY.email, {
          ...toZoomMeetingFields(
            specFor({ startTime: new Date(tomorrow + (batch + i) * 60_000).toISOString() }),
          ),
          type: 2,
        }),
      ),
    );
  }
  const last = specFor({ startTime: new Date(tomorrow + 30 * DAY_MS).toISOString() });
  lastMarker = last.marker;
  lastOnPage3 = await provider.createMeeting(BUSY, last);
  expect(fake.meetings().filter((m) => m.hostUserId === 'zu_busy')).toHaveLength(BUSY_MEETINGS + 1);
}, 60_000);

afterAll(() => fake.close());

describe('findMeetingByMarker', () => {
  it('finds a marker on page 3 of a host with more than 600 meetings', async () => {
    const { provider } = build();
    const before = listRequests().length;

    expect(await provider.findMeetingByMarker(BUSY, lastMarker)).toEqual(lastOnPage3);
    // 651 meetings at Zoom's maximum page size of 300: three pages, each asked for once.
    expect(listRequests().length - before).toBe(3);
  });

  it('answers null only after reading every page', async () => {
    const { provider } = build();
    const before = listRequests().length;

    expect(await provider.findMeetingByMarker(BUSY, 'meetlink-booking:bk_nowhere')).toBeNull();
    expect(listRequests().length - before).toBe(3);
  });

  it('finds a meeting whose start time has passed but which is still scheduled', async () => {
    const { provider } = build();
    // Started three hours ago and over after 45 minutes: type=upcoming no longer lists it.
    const spec = specFor({ startTime: new Date(Date.now() - 3 * 3_600_000).toISOString() });
    const created = await provider.createMeeting(ADA, spec);

    expect(await provider.findMeetingByMarker(ADA, spec.marker)).toEqual(created);
  });

  it('fails retryable with zoom_meeting_list_too_long past the page cap, never "not found"', async () => {
    const { provider } = build({ maxListPages: 2 });
    const before = listRequests().length;

    const error = await rejectionOf(provider.findMeetingByMarker(BUSY, lastMarker));

    expect(error).toMatchObject({ code: 'zoom_meeting_list_too_long', retryable: true });
    expect(error.message).toContain('more than 2 pages of 300');
    expect(listRequests().length - before).toBe(2);
  });

  it('reads a list that ends exactly at the cap', async () => {
    const { provider } = build({ maxListPages: 3 });
    expect((await provider.findMeetingByMarker(BUSY, lastMarker))?.id).toBe(lastOnPage3.id);
  });
});
