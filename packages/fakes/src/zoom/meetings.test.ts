import type { MeetingsCreateMeetingResponse, MeetingsListMeetingsResponse } from '@zoom/rivet/meetings';
import { ADA, GRACE, meetingBody, startHarness, startHarnessWithToken } from '../../test/zoom-harness';
import type { Harness } from '../../test/zoom-harness';

type Meeting = MeetingsCreateMeetingResponse & { host_id: string; uuid: string; status: string };
interface ZoomError {
  code: number;
  message: string;
  errors?: Array<{ field: string; message: string }>;
}

describe('fake Zoom meetings', () => {
  let h: Harness;
  let token: string;

  beforeEach(async () => ({ h, token } = await startHarnessWithToken()));
  afterEach(() => h.close());

  const create = (body: unknown, user = ADA.id) =>
    h.api<Meeting>('POST', `/users/${user}/meetings`, token, body);

  describe('create', () => {
    it('answers 201 with the meeting as Zoom fills it in', async () => {
      const res = await create(meetingBody());

      expect(res.status).toBe(201);
      const m = res.body;
      expect(String(m.id)).toMatch(/^\d{11}$/);
      expect(m.uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(m).toMatchObject({
        host_id: ADA.id,
        host_email: ADA.email,
        topic: 'Intro call',
        type: 2,
        status: 'waiting',
        start_time: '2030-01-20T15:00:00Z',
        duration: 30,
        timezone: 'UTC',
        agenda: 'booking bk_1',
        created_at: '2030-01-15T12:00:00Z',
        pre_schedule: false,
      });
      expect(m.password).toMatch(/^[a-zA-Z0-9@\-_*]{6,10}$/);
      expect(m.pstn_password).toMatch(/^\d+$/);
      expect(m.h323_password).toMatch(/^\d+$/);
      expect(m.join_url).toBe(`https://zoom.us/j/${m.id}?pwd=${m.encrypted_password}`);
      expect(m.start_url).toMatch(new RegExp(`^https://zoom\\.us/s/${m.id}\\?zak=`));
      expect(m.settings?.global_dial_in_numbers?.length).toBeGreaterThan(0);
      for (const number of m.settings?.global_dial_in_numbers ?? []) {
        expect(Object.keys(number).sort()).toEqual(['city', 'country', 'country_name', 'number', 'type']);
      }
      expect(h.zoom.meetings()).toEqual([expect.objectContaining({ id: m.id, hostUserId: ADA.id })]);
    });

    it('keeps a passcode the request names and derives the phone passcodes from it', async () => {
      const res = await create(meetingBody({ password: '482913' }));

      expect(res.body).toMatchObject({
        password: '482913',
        pstn_password: '482913',
        h323_password: '482913',
      });
    });

    it('reads a start_time without offset as wall time in the meeting time zone', async () => {
      const res = await create(meetingBody({ start_time: '2030-07-01T09:30:00', timezone: 'Europe/Berlin' }));

      expect(res.body.start_time).toBe('2030-07-01T07:30:00Z');
      expect(res.body.timezone).toBe('Europe/Berlin');
    });

    it("uses the host's time zone when the request names none", async () => {
      await h.close();
      h = await startHarness({ users: [{ ...ADA, timezone: 'America/New_York' }] });
      token = await h.s2sToken();

      const res = await create(meetingBody({ timezone: undefined, start_time: '2030-01-20T09:00:00' }));

      expect(res.body).toMatchObject({ timezone: 'America/New_York', start_time: '2030-01-20T14:00:00Z' });
    });

    it('turns the waiting room back on when passcode, waiting room and authentication are all off', async () => {
      const res = await create(
        meetingBody({ password: '', settings: { waiting_room: false, meeting_authentication: false } }),
      );

      expect(res.status).toBe(201);
      expect(res.body.password).toBeUndefined();
      expect(res.body.settings?.waiting_room).toBe(true);
      expect(res.body.join_url).toBe(`https://zoom.us/j/${res.body.id}`);
    });

    it('coerces scalars as Zoom reads JSON and ignores unknown fields, noting them in the request log', async () => {
      const res = await create(
        meetingBody({
          duration: '45',
          settings: { join_before_host: 'true', no_such_setting: 1 },
          marker: 'x',
        }),
      );

      expect(res.status).toBe(201);
      expect(res.body.duration).toBe(45);
      expect(res.body.settings?.join_before_host).toBe(true);
      expect(res.body).not.toHaveProperty('marker');
      expect(h.zoom.requests().at(-1)).toMatchObject({
        ignoredFields: ['marker', 'settings.no_such_setting'],
      });
    });

    it('refuses values of the wrong type with 300 and names every field', async () => {
      const res = await h.api<ZoomError>(
        'POST',
        `/users/${ADA.id}/meetings`,
        token,
        meetingBody({ duration: 'half an hour', type: 5, settings: { waiting_room: 'maybe' } }),
      );

      expect(res.status).toBe(400);
      expect(res.body.code).toBe(300);
      expect(res.body.message).toBe('Validation Failed.');
      expect(res.body.errors?.map((e) => e.field).sort()).toEqual([
        'duration',
        'settings.waiting_room',
        'type',
      ]);
      expect(h.zoom.meetings()).toEqual([]);
    });

    it("refuses what breaks Zoom's documented limits", async () => {
      const res = await h.api<ZoomError>(
        'POST',
        `/users/${ADA.id}/meetings`,
        token,
        meetingBody({
          topic: 't'.repeat(201),
          agenda: 'a'.repeat(2001),
          start_time: 'next tuesday',
          timezone: 'Mars/Olympus_Mons',
        }),
      );

      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.field).sort()).toEqual([
        'agenda',
        'start_time',
        'timezone',
        'topic',
      ]);
    });

    it('accepts the longest topic and agenda Zoom allows', async () => {
      const res = await create(meetingBody({ topic: 't'.repeat(200), agenda: 'a'.repeat(2000) }));

      expect(res.status).toBe(201);
    });

    it('answers a body that is not a JSON object with 300', async () => {
      for (const body of ['{"topic":', '[1,2]']) {
        const res = await h.api<ZoomError>('POST', `/users/${ADA.id}/meetings`, token, body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ code: 300, message: 'Request Body should be a valid JSON object.' });
      }
    });

    it('answers 1001 for a user that does not exist', async () => {
      const res = await h.api<ZoomError>('POST', '/users/zu_nobody/meetings', token, meetingBody());

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 1001, message: 'User does not exist: zu_nobody.' });
    });

    it('creates for another user of the account with schedule_for', async () => {
      const res = await create(meetingBody({ schedule_for: GRACE.email }));

      expect(res.body.host_id).toBe(GRACE.id);
    });
  });

  describe('get', () => {
    it('returns the meeting as create answered it', async () => {
      const created = await create(meetingBody());

      const res = await h.api<Meeting>('GET', `/meetings/${created.body.id}`, token);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(created.body);
    });

    it('answers 3001 for a meeting that does not exist', async () => {
      const res = await h.api<ZoomError>('GET', '/meetings/12345678901', token);

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 3001, message: 'Meeting does not exist: 12345678901.' });
    });
  });

  describe('update', () => {
    it('answers 204 with no body, and GET shows the change', async () => {
      const created = await create(meetingBody());

      const res = await h.api('PATCH', `/meetings/${created.body.id}`, token, {
        topic: 'Moved call',
        start_time: '2030-01-21T10:00:00Z',
        duration: 60,
        password: 'Ab3xY9',
      });

      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const after = await h.api<Meeting>('GET', `/meetings/${created.body.id}`, token);
      expect(after.body).toMatchObject({
        topic: 'Moved call',
        start_time: '2030-01-21T10:00:00Z',
        duration: 60,
        password: 'Ab3xY9',
        agenda: 'booking bk_1',
        uuid: created.body.uuid,
      });
      expect(after.body.join_url).not.toBe(created.body.join_url);
      expect(after.body.join_url).toBe(
        `https://zoom.us/j/${created.body.id}?pwd=${after.body.encrypted_password}`,
      );
    });

    it('validates like create and changes nothing when it refuses', async () => {
      const created = await create(meetingBody());

      const res = await h.api<ZoomError>('PATCH', `/meetings/${created.body.id}`, token, {
        topic: 'never',
        password: 'this passcode is far too long',
      });

      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.field).toBe('password');
      const after = await h.api<Meeting>('GET', `/meetings/${created.body.id}`, token);
      expect(after.body.topic).toBe('Intro call');
    });

    it('answers 3001 for a meeting that is gone', async () => {
      const res = await h.api<ZoomError>('PATCH', '/meetings/12345678901', token, { topic: 'x' });

      expect(res.status).toBe(404);
      expect(res.body.code).toBe(3001);
    });
  });

  describe('delete', () => {
    it('answers 204, then 3001 for the meeting, which moves to deletedMeetings()', async () => {
      const created = await create(meetingBody());

      const res = await h.api('DELETE', `/meetings/${created.body.id}`, token);

      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await h.api('GET', `/meetings/${created.body.id}`, token)).status).toBe(404);
      expect((await h.api('DELETE', `/meetings/${created.body.id}`, token)).status).toBe(404);
      expect(h.zoom.meetings()).toEqual([]);
      expect(h.zoom.deletedMeetings()).toEqual([expect.objectContaining({ id: created.body.id })]);
    });
  });

  describe('list', () => {
    type List = MeetingsListMeetingsResponse & { meetings: Array<Record<string, unknown>> };

    it('lists the fields Zoom lists, for the host only', async () => {
      const created = await create(meetingBody());
      await create(meetingBody(), GRACE.id);

      const res = await h.api<List>('GET', `/users/${ADA.email}/meetings?type=upcoming`, token);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page_size: 30, total_records: 1, next_page_token: '' });
      expect(res.body.meetings).toEqual([
        {
          uuid: created.body.uuid,
          id: created.body.id,
          host_id: ADA.id,
          ...meetingBody(),
          created_at: '2030-01-15T12:00:00Z',
          join_url: created.body.join_url,
        },
      ]);
    });

    it('leaves ended meetings out of upcoming but keeps them in scheduled', async () => {
      await create(meetingBody({ start_time: '2030-01-10T09:00:00Z' }));
      await create(meetingBody({ start_time: '2030-01-20T09:00:00Z' }));

      const upcoming = await h.api<List>('GET', `/users/${ADA.id}/meetings?type=upcoming`, token);
      const scheduled = await h.api<List>('GET', `/users/${ADA.id}/meetings?type=scheduled`, token);

      expect(upcoming.body.meetings.map((m) => m['start_time'])).toEqual(['2030-01-20T09:00:00Z']);
      expect(scheduled.body.meetings.map((m) => m['start_time'])).toEqual([
        '2030-01-10T09:00:00Z',
        '2030-01-20T09:00:00Z',
      ]);
    });

    it('pages with page_size and next_page_token', async () => {
      for (let day = 20; day < 25; day += 1)
        await create(meetingBody({ start_time: `2030-01-${day}T09:00:00Z` }));

      const seen: unknown[] = [];
      let next = '';
      let pages = 0;
      do {
        const res = await h.api<List>(
          'GET',
          `/users/${ADA.id}/meetings?type=upcoming&page_size=2${next ? `&next_page_token=${next}` : ''}`,
          token,
        );
        expect(res.body.total_records).toBe(5);
        seen.push(...res.body.meetings.map((m) => m['start_time']));
        next = res.body.next_page_token ?? '';
        pages += 1;
      } while (next !== '');

      expect(pages).toBe(3);
      expect(seen).toEqual([20, 21, 22, 23, 24].map((day) => `2030-01-${day}T09:00:00Z`));
    });

    it('refuses a next_page_token it did not give', async () => {
      const res = await h.api<ZoomError>('GET', `/users/${ADA.id}/meetings?next_page_token=bogus`, token);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe(300);
    });
  });
});
