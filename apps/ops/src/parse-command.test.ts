import { DEFAULT_FAILED_LIMIT, parseCommandLine, UsageError } from './parse-command';

describe('parseCommandLine', () => {
  it.each([
    [['queues'], { name: 'queues' }, false],
    [['queues', '--json'], { name: 'queues' }, true],
    [
      ['failed', 'conference', '--code', 'zoom_unavailable', '--limit', '5'],
      { name: 'failed', queue: 'conference', code: 'zoom_unavailable', limit: 5 },
      false,
    ],
    [
      ['failed', 'meeting-cleanup'],
      { name: 'failed', queue: 'meetingCleanup', code: undefined, limit: DEFAULT_FAILED_LIMIT },
      false,
    ],
    [['--json', 'retry', 'email'], { name: 'retry', queue: 'email', code: undefined }, true],
    [
      ['retry', 'calendar', '--code=calendar_event_not_found'],
      { name: 'retry', queue: 'calendar', code: 'calendar_event_not_found' },
      false,
    ],
    [['replay', 'bk_123-x'], { name: 'replay', bookingId: 'bk_123-x' }, false],
    [['pause', 'reminders'], { name: 'pause', queue: 'reminders' }, false],
    [['resume', 'meetingCleanup'], { name: 'resume', queue: 'meetingCleanup' }, false],
    [['help'], { name: 'help' }, false],
    [['failed', '--help'], { name: 'help' }, false],
  ])('reads %j', (argv, command, json) => {
    expect(parseCommandLine(argv)).toEqual({ command, json });
  });

  it.each([
    [[], /no command given/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['failed'], /failed needs a queue: one of conference, calendar, email, reminders, meeting-cleanup/],
    [['failed', 'zoom'], /unknown queue "zoom"/],
    [['pause'], /pause needs a queue/],
    [['replay'], /replay needs a booking id/],
    [['replay', 'not a booking'], /"not a booking" is not a booking id/],
    [['replay', 'bk_1', 'bk_2'], /replay: unexpected "bk_2"/],
    [['queues', 'conference'], /queues: unexpected "conference"/],
    [['queues', '--code', 'x'], /queues takes no --code/],
    [['retry', 'email', '--limit', '3'], /retry takes no --limit/],
    [['failed', 'email', '--limit', '0'], /--limit must be a whole number from 1 to 10000/],
    [['failed', 'email', '--limit', 'lots'], /--limit must be a whole number/],
    [['failed', 'email', '--code', 'Zoom Down'], /is not an error code/],
    [['failed', 'email', '--cod', 'x'], /Unknown option '--cod'/],
    [['failed', 'email', '--code'], /--code/],
  ])('rejects %j as a usage error', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});
