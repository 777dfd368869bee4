import { PermanentError } from '@meetlink/errors';
import { buildJoinDetails, formatJoinDetailsText } from './join-details';
import { sampleMeeting } from './samples';

describe('buildJoinDetails', () => {
  it('builds one-tap entries as tel:+number,,meetingId#,,,,*pstnPasscode#', () => {
    const join = buildJoinDetails(sampleMeeting({ id: '81234567890', pstnPasscode: '482915' }));
    expect(join.oneTap).toEqual([
      {
        label: '+16465588656,,81234567890#,,,,*482915#',
        href: 'tel:+16465588656,,81234567890%23,,,,*482915%23',
        place: 'US (New York)',
      },
      {
        label: '+16699006833,,81234567890#,,,,*482915#',
        href: 'tel:+16699006833,,81234567890%23,,,,*482915%23',
        place: 'US (San Jose)',
      },
    ]);
  });

  it('leaves the passcode out of one-tap when Zoom gave no phone passcode', () => {
    const meeting = { ...sampleMeeting(), pstnPasscode: undefined };
    delete meeting.pstnPasscode;
    const join = buildJoinDetails(meeting);
    expect(join.oneTap[0]?.label).toBe('+16465588656,,81234567890#');
    expect(join.phonePasscode).toBeNull();
  });

  it('lists every dial-in number with its place and a dialable href', () => {
    const join = buildJoinDetails(sampleMeeting());
    expect(join.dialIn.map((d) => [d.number, d.href, d.place])).toEqual([
      ['+1 646 558 8656', 'tel:+16465588656', 'US (New York)'],
      ['+1 669 900 6833', 'tel:+16699006833', 'US (San Jose)'],
      ['+49 69 3807 9883', 'tel:+496938079883', 'Germany'],
    ]);
  });

  it('has no phone entries when Zoom gave no numbers', () => {
    const join = buildJoinDetails(sampleMeeting({ dialIn: [] }));
    expect(join.oneTap).toEqual([]);
    expect(join.dialIn).toEqual([]);
    expect(formatJoinDetailsText(join)).not.toContain('Dial by your location');
  });

  it('groups the meeting id as Zoom does', () => {
    expect(buildJoinDetails(sampleMeeting({ id: '81234567890' })).meetingId).toBe('812 3456 7890');
    expect(buildJoinDetails(sampleMeeting({ id: '1234567890' })).meetingId).toBe('123 456 7890');
    expect(buildJoinDetails(sampleMeeting({ id: '123456789' })).meetingId).toBe('123 456 789');
  });

  it('refuses a join URL that is not http(s)', () => {
    const meeting = { ...sampleMeeting(), joinUrl: 'javascript:alert(1)' };
    expect(() => buildJoinDetails(meeting)).toThrow(PermanentError);
  });
});

describe('formatJoinDetailsText', () => {
  it('reads like Zoom invitation text', () => {
    const text = formatJoinDetailsText(buildJoinDetails(sampleMeeting()));
    expect(text.split('\n')).toEqual([
      'Join Zoom meeting',
      'https://us02web.zoom.us/j/81234567890?pwd=bWVldGxpbmstc2FtcGxl.1',
      '',
      'Meeting ID: 812 3456 7890',
      'Passcode: x7Kp2mQ',
      '',
      'One tap mobile',
      '+16465588656,,81234567890#,,,,*482915# US (New York)',
      '+16699006833,,81234567890#,,,,*482915# US (San Jose)',
      '',
      'Dial by your location',
      '+1 646 558 8656 US (New York)',
      '+1 669 900 6833 US (San Jose)',
      '+49 69 3807 9883 Germany',
      'Meeting ID: 812 3456 7890',
      'Passcode: 482915',
    ]);
  });
});
