import { ADA, GRACE, meetingBody, startHarness } from '../../test/zoom-harness';
import type { Harness } from '../../test/zoom-harness';

const STRICT = {
  length: 8,
  have_letter: true,
  have_number: true,
  only_allow_numeric: false,
  consecutive_characters_length: 4,
  weak_enhance_detection: true,
} as const;

describe('fake Zoom user settings and passcode rules', () => {
  let h: Harness;
  let token: string;

  beforeEach(async () => {
    h = await startHarness({
      users: [
        { ...ADA, passwordRequirement: STRICT },
        { ...GRACE, requirePasscode: false },
      ],
    });
    token = await h.s2sToken();
  });
  afterEach(() => h.close());

  it('shows the passcode rules under schedule_meeting', async () => {
    const res = await h.api<{ schedule_meeting: Record<string, unknown> }>(
      'GET',
      `/users/${ADA.id}/settings`,
      token,
    );

    expect(res.status).toBe(200);
    expect(res.body.schedule_meeting['meeting_password_requirement']).toEqual({
      ...STRICT,
      have_special_character: false,
      have_upper_and_lower_characters: false,
    });
    expect(res.body.schedule_meeting['require_password_for_scheduling_new_meetings']).toBe(true);
    expect(h.zoom.userSettings(ADA.id)).toEqual(res.body);
  });

  it('shows them under meeting_security with ?option=meeting_security', async () => {
    const res = await h.api<{ meeting_security: Record<string, unknown> }>(
      'GET',
      `/users/${ADA.email}/settings?option=meeting_security`,
      token,
    );

    expect(Object.keys(res.body)).toEqual(['meeting_security']);
    expect(res.body.meeting_security['meeting_password']).toBe(true);
    expect(res.body.meeting_security['meeting_password_requirement']).toMatchObject(STRICT);
  });

  it('answers the user as GET /users/{userId} does', async () => {
    const res = await h.api('GET', `/users/${ADA.email}`, token);

    expect(res.body).toMatchObject({ id: ADA.id, email: ADA.email, account_id: ADA.accountId, type: 2 });
  });

  it("refuses a passcode that breaks the host's rules with 300 and Zoom's wording", async () => {
    const res = await h.api('POST', `/users/${ADA.id}/meetings`, token, meetingBody({ password: 'ab1234' }));

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 300,
      message: 'Validation Failed.',
      errors: [
        {
          field: 'password',
          message:
            'Password provided does not match the password requirement settings set for this account. ' +
            'The password must follow these rules: [Password must have at least 8 characters., ' +
            'Password cannot contain 4 or more consecutive characters (e.g. "11111", "12345", "abcde", or "qwert").].',
        },
      ],
    });
  });

  it("accepts a passcode that meets the host's rules", async () => {
    const res = await h.api(
      'POST',
      `/users/${ADA.id}/meetings`,
      token,
      meetingBody({ password: 'k7m2x9q4' }),
    );

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ password: 'k7m2x9q4' });
  });

  it("generates a passcode that meets the host's rules when the request names none", async () => {
    for (let i = 0; i < 20; i += 1) {
      const res = await h.api<{ password: string }>(
        'POST',
        `/users/${ADA.id}/meetings`,
        token,
        meetingBody(),
      );
      expect(res.body.password).toMatch(/^[a-zA-Z0-9@\-_*]{8,10}$/);
      expect(res.body.password).toMatch(/[a-z]/i);
      expect(res.body.password).toMatch(/\d/);
    }
  });

  it('leaves a meeting without passcode when the host does not require one, and keeps it secured', async () => {
    const res = await h.api<{ password?: string; settings: { waiting_room: boolean } }>(
      'POST',
      `/users/${GRACE.id}/meetings`,
      token,
      meetingBody(),
    );

    expect(res.body.password).toBeUndefined();
    expect(res.body.settings.waiting_room).toBe(true);
  });
});
