// The whole pipeline on a local three-master Redis Cluster (REDIS_CLUSTER_NODES, no REDIS_URL): every
// app as its own process through ioredis' Cluster client. Bookings are created, rescheduled and
// canceled; each ends with its one meeting, its join block and its emails, the keys spread over all
// three masters, and the ops CLI and the connections list read the cluster without a single-node SCAN.
import { parseTokenKeyring } from '@meetlink/config';
import { createRedisMemberConnectionStore } from '@meetlink/connections';
import { EventType } from '@meetlink/events';
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { createRedisConnection } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';
import { SANDBOX_CALENDAR_EVENTS, startRedisCluster } from '@meetlink/sandbox';
import type { RunningRedisCluster } from '@meetlink/sandbox';
import { runOpsCli } from '../test-support/ops-cli';
import { allStepsSettled, startPipeline } from './pipeline-harness';
import type { Pipeline } from './pipeline-harness';

jest.setTimeout(120_000);

const BOOKINGS = 12;
const JOIN_BLOCK_START = '-- Zoom meeting details (meetlink) --';
/** Whole minutes from now: Zoom keeps a meeting's start to the second. */
const at = (days: number, minutes = 0) =>
  new Date(Math.ceil(Date.now() / 60_000) * 60_000 + days * 24 * 3600_000 + minutes * 60_000);

let cluster: RunningRedisCluster;
let pipeline: Pipeline;
let redis: RedisClient;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  pipeline = await startPipeline(cluster);
  redis = createRedisConnection({ clusterNodes: cluster.nodes }, 'worker', 'cluster-test');
});
afterAll(async () => {
  await redis?.quit();
  await pipeline?.stop();
  await cluster?.stop();
});

/** The keys of this run on each master (KEYS is per node, which is the point here). */
const keysPerNode = async (): Promise<string[][]> =>
  Promise.all(
    cluster.nodes.map(async ({ port }) => {
      const node = createRedisConnection(`redis://127.0.0.1:${port}`, 'worker', 'cluster-test-node');
      try {
        return await node.keys(`${pipeline.prefix}:*`);
      } finally {
        node.disconnect();
      }
    }),
  );

describe('the pipeline on a Redis Cluster', () => {
  it('creates, reschedules and cancels bookings: one meeting, one join block and one email of each kind', async () => {
    const plan = Array.from({ length: BOOKINGS }, (_, i) => {
      const calendar =
        i % 2 === 0
          ? { ...SANDBOX_CALENDAR_EVENTS.google, eventId: `evcl${i}g0000` }
          : { ...SANDBOX_CALENDAR_EVENTS.outlook, eventId: `ev-cl-${i}-outlook` };
      const fate = i % 3 === 0 ? 'kept' : i % 3 === 1 ? 'rescheduled' : 'canceled';
      return {
        bookingId: `bk_cl_${String(i).padStart(2, '0')}`,
        fate,
        booking: sampleBooking({
          bookingId: `bk_cl_${String(i).padStart(2, '0')}`,
          calendar,
          startsAt: at(3, i),
        }),
        movedTo: at(5, i).toISOString(),
      };
    });
    for (const p of plan) expect((await pipeline.send(sampleEvent(p.booking))).status).toBe(202);
    for (const p of plan) await pipeline.waitForStatus(p.bookingId, allStepsSettled, 60_000);
    for (const p of plan) {
      if (p.fate === 'kept') continue;
      const length = Date.parse(p.booking.endsAt) - Date.parse(p.booking.startsAt);
      const endsAt = new Date(Date.parse(p.movedTo) + length).toISOString();
      const moved = { ...p.booking, version: 2, startsAt: p.movedTo, endsAt };
      const event =
        p.fate === 'rescheduled'
          ? sampleEvent(moved, EventType.rescheduled)
          : sampleEvent({ ...moved, reason: 'conflict' }, EventType.canceled);
      expect((await pipeline.send(event)).status).toBe(202);
    }

    for (const p of plan) {
      const version = p.fate === 'kept' ? 1 : 2;
      const status = await pipeline.waitForStatus(
        p.bookingId,
        (s) => s.version === version && allStepsSettled(s),
        60_000,
      );
      expect(Object.values(status.steps).map((s) => s.lastError)).toEqual([null, null, null]);
      const own = pipeline.fakes.zoom!.meetings().filter((m) => m.agenda?.includes(p.bookingId));
      const kinds = pipeline.fakes
        .smtp!.messages()
        .filter((m) => (m.messageId ?? '').includes(p.bookingId))
        .map((m) => /^<[^.]+\.([^@]+)@/.exec(m.messageId ?? '')?.[1]);
      const { calendar } = p.booking;
      const eventText =
        calendar?.provider === 'google'
          ? (pipeline.fakes.google!.getEvent(calendar.calendarId, calendar.eventId)?.description ?? '')
          : (pipeline.fakes.graph!.getEvent(calendar!.userId, calendar!.eventId)?.body?.content ?? '');
      const blocks = eventText.split(JOIN_BLOCK_START).length - 1;
      if (p.fate === 'canceled') {
        expect({ meetings: own.length, blocks, kinds }).toEqual({
          meetings: 0,
          blocks: 0,
          kinds: ['confirmation', 'canceled'],
        });
        expect(status.meeting).toBeNull();
      } else {
        expect({ meetings: own.length, blocks }).toEqual({ meetings: 1, blocks: 1 });
        expect(status.meeting?.id).toBe(String(own[0]!.id));
        expect(kinds).toEqual(p.fate === 'kept' ? ['confirmation'] : ['confirmation', 'rescheduled-v2']);
        expect(Date.parse(own[0]!.start_time)).toBe(
          Date.parse(p.fate === 'kept' ? p.booking.startsAt : p.movedTo),
        );
      }
    }

    // The keys spread over every master, and each queue's keys share one slot: its hash tag.
    const perNode = await keysPerNode();
    expect(perNode.map((keys) => keys.length).every((n) => n > 0)).toBe(true);
    for (const queue of ['conference', 'calendar', 'email']) {
      const holders = perNode.filter((keys) =>
        keys.some((key) => key.startsWith(`${pipeline.prefix}:{${queue}}:`)),
      );
      expect(holders).toHaveLength(1);
    }
  });

  it('answers the ops CLI on the cluster', async () => {
    const run = await runOpsCli(['queues', '--json'], {
      REDIS_CLUSTER_NODES: cluster.nodesEnv,
      REDIS_PREFIX: pipeline.prefix,
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const counts = JSON.parse(run.stdout) as { queue: string; completed?: number; failed: number }[];
    expect(counts.map((c) => c.queue)).toEqual([
      'conference',
      'calendar',
      'email',
      'reminders',
      'meeting-cleanup',
    ]);
    expect(counts.every((c) => c.failed === 0)).toBe(true);
  });

  it('lists members’ connections from every node', async () => {
    const store = createRedisMemberConnectionStore({
      redis,
      prefix: `${pipeline.prefix}-conn`,
      keyring: parseTokenKeyring('test:c2FuZGJveC1vbmx5LXRva2VuLWtleS0zMi1ieXRlcyE='),
    });
    const members = Array.from({ length: 12 }, (_, i) => `member-${i}`);
    const tokens = {
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: at(1).toISOString(),
      scope: 's',
      providerUserId: null,
    };
    for (const member of members) await store.connect(member, 'zoom', tokens);
    await store.connect('member-0', 'google', tokens);
    await store.remove('member-5', 'zoom');
    const listed = (await store.list()).map((c) => `${c.memberId}/${c.provider}`);
    expect([...listed].sort()).toEqual(
      [...members.filter((m) => m !== 'member-5').map((m) => `${m}/zoom`), 'member-0/google'].sort(),
    );
    expect((await store.list({ memberId: 'member-0' })).map((c) => c.provider)).toEqual(['zoom', 'google']);
  });
});
