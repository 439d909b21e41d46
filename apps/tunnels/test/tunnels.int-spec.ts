import {
  CloseTunnelCommand,
  DescribeTunnelCommand,
  IoTSecureTunnelingClient,
  ListTagsForResourceCommand,
  ListTunnelsCommand,
  OpenTunnelCommand,
  OpenTunnelCommandInput,
  paginateListTunnels,
  RotateTunnelAccessTokenCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-iotsecuretunneling';
import { getConnectionToken } from '@nestjs/mongoose';
import { DESTINATION_TOKEN_SEAL_PURPOSE, EVENT_TYPES, fingerprint, SealedDestinationToken, TOPICS } from '@rekey/contracts';
import { awsClientConfig, failureOf, ofType, startTestApp, TestApp, TopicTail, uniqueName } from '@rekey/testing';
import { Keyring, KEYRING, sha256Hex } from '@rekey/tokens';
import type { Connection } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { TunnelsAppModule } from '../src/app.module';
import { Clock } from '../src/tunnels/clock';
import { AccessMode, statusAt } from '../src/tunnels/tunnel';
import { TunnelSweeper } from '../src/tunnels/tunnel-sweeper';

const TENANT_A = '111111111111';
const MINUTE_MS = 60_000;

describe('tunnels app driven by @aws-sdk/client-iotsecuretunneling', () => {
  let app: TestApp;
  let a: IoTSecureTunnelingClient;
  let b: IoTSecureTunnelingClient;
  let clock: Clock;
  let keyring: Keyring;
  let events: TopicTail;

  const storedTunnel = (tunnelId: string) => app.nest.get<Connection>(getConnectionToken()).collection('tunnels').findOne({ _id: tunnelId as never });
  /** Whether `token` is the current token of `mode` of a tunnel open at the app's time: what the events let the relay verify. */
  const verifies = async (tunnelId: string, mode: AccessMode, token: string) => {
    const stored = await storedTunnel(tunnelId);
    const hash = stored?.[mode === 'SOURCE' ? 'sourceTokenHash' : 'destinationTokenHash'];
    return stored !== null && hash === sha256Hex(token) && statusAt({ state: stored.state, expiresAt: stored.expiresAt }, clock.now()) === 'OPEN';
  };
  /** Moves the app's clock by `ms` from the real time, until {@link realTime}. */
  const shiftClock = (ms: number) => jest.spyOn(clock, 'now').mockImplementation(() => new Date(Date.now() + ms));
  const realTime = () => jest.restoreAllMocks();
  const open = async (input: OpenTunnelCommandInput = {}) => {
    const opened = await a.send(new OpenTunnelCommand(input));
    return { tunnelId: opened.tunnelId!, tunnelArn: opened.tunnelArn!, source: opened.sourceAccessToken!, destination: opened.destinationAccessToken! };
  };

  beforeAll(async () => {
    events = await TopicTail.start(TOPICS.tunnels);
    app = await startTestApp('tunnels', (config) => TunnelsAppModule.register(config));
    a = new IoTSecureTunnelingClient(awsClientConfig(app.url, 'A'));
    b = new IoTSecureTunnelingClient(awsClientConfig(app.url, 'B'));
    clock = app.nest.get(Clock);
    keyring = app.nest.get(KEYRING);
  });
  afterEach(realTime);
  afterAll(async () => {
    await app?.close();
    await events.stop();
  });

  it('OpenTunnel issues two distinct tokens, stores only their hashes and publishes TunnelOpened; DescribeTunnel shows the tunnel', async () => {
    const before = Date.now();
    const thingName = uniqueName('thing');
    const tunnel = await open({
      description: 'débogage du capteur',
      destinationConfig: { thingName, services: ['SSH', 'HTTP'] },
      timeoutConfig: { maxLifetimeTimeoutMinutes: 30 },
      tags: [{ key: 'team', value: 'iot' }],
    });
    expect(tunnel.tunnelId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tunnel.tunnelArn).toBe(`arn:aws:iot:us-east-1:${TENANT_A}:tunnel/${tunnel.tunnelId}`);
    expect(tunnel.source).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(tunnel.destination).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(tunnel.source).not.toBe(tunnel.destination);

    const described = (await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel!;
    expect(described).toMatchObject({
      tunnelId: tunnel.tunnelId,
      tunnelArn: tunnel.tunnelArn,
      status: 'OPEN',
      description: 'débogage du capteur',
      destinationConfig: { thingName, services: ['SSH', 'HTTP'] },
      timeoutConfig: { maxLifetimeTimeoutMinutes: 30 },
      tags: [{ key: 'team', value: 'iot' }],
      sourceConnectionState: { status: 'DISCONNECTED' },
      destinationConnectionState: { status: 'DISCONNECTED' },
    });
    expect(described.createdAt).toBeInstanceOf(Date);
    expect(described.createdAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(described.createdAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(described.lastUpdatedAt).toEqual(described.createdAt);

    const stored = await storedTunnel(tunnel.tunnelId);
    expect(stored).toMatchObject({ tenant: TENANT_A, state: 'OPEN', generation: 1, sourceTokenHash: sha256Hex(tunnel.source), destinationTokenHash: sha256Hex(tunnel.destination) });
    expect(JSON.stringify(stored)).not.toContain(tunnel.source);
    expect(JSON.stringify(stored)).not.toContain(tunnel.destination);
    expect(await verifies(tunnel.tunnelId, 'SOURCE', tunnel.source)).toBe(true);
    expect(await verifies(tunnel.tunnelId, 'DESTINATION', tunnel.destination)).toBe(true);
    expect(await verifies(tunnel.tunnelId, 'SOURCE', tunnel.destination)).toBe(false);
    expect(await verifies(tunnel.tunnelId, 'DESTINATION', tunnel.source)).toBe(false);

    const [opened] = await events.waitFor(ofType(EVENT_TYPES.tunnels.TunnelOpened, tunnel.tunnelId));
    const expiresAt = new Date(described.createdAt!.getTime() + 30 * MINUTE_MS).toISOString();
    expect(opened.headers).toMatchObject({ ce_source: '/rekey/tunnels', ce_subject: tunnel.tunnelArn, ce_tenant: TENANT_A, 'content-type': 'application/json' });
    expect(opened.data).toMatchObject({
      tenant: TENANT_A,
      tunnelId: tunnel.tunnelId,
      tunnelArn: tunnel.tunnelArn,
      thingName,
      services: ['SSH', 'HTTP'],
      lifetimeMinutes: 30,
      generation: 1,
      expiresAt,
      tokens: [
        { kind: 'SourceAccessToken', fingerprint: fingerprint(tunnel.source), verifier: sha256Hex(tunnel.source), expiresAt },
        { kind: 'DestinationAccessToken', fingerprint: fingerprint(tunnel.destination), verifier: sha256Hex(tunnel.destination), expiresAt },
      ],
    });
    const sealed = keyring.open<SealedDestinationToken>(String(opened.data.sealedDestinationAccessToken), DESTINATION_TOKEN_SEAL_PURPOSE);
    expect(sealed).toEqual({ tunnelId: tunnel.tunnelId, destinationAccessToken: tunnel.destination });
    for (const token of [tunnel.source, tunnel.destination]) {
      expect(opened.raw).not.toContain(token);
      expect(JSON.stringify(opened.headers)).not.toContain(token);
    }
  });

  it.each([
    ['SOURCE', ['SOURCE'], ['DESTINATION']],
    ['DESTINATION', ['DESTINATION'], ['SOURCE']],
    ['ALL', ['SOURCE', 'DESTINATION'], []],
  ] as const)(
    'RotateTunnelAccessToken %s returns exactly the tokens of that mode, revokes the old ones at once and does not extend the lifetime',
    async (clientMode, rotated, kept) => {
      const thingName = uniqueName('thing');
      const tunnel = await open({ destinationConfig: { thingName, services: ['SSH'] }, timeoutConfig: { maxLifetimeTimeoutMinutes: 60 } });
      const createdAt = (await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel!.createdAt!;
      const old = { SOURCE: tunnel.source, DESTINATION: tunnel.destination };
      shiftClock(20 * MINUTE_MS);
      const answer = await a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode }));
      const fresh = { SOURCE: answer.sourceAccessToken, DESTINATION: answer.destinationAccessToken };
      expect(answer.tunnelArn).toBe(tunnel.tunnelArn);
      for (const mode of rotated) {
        expect(fresh[mode]).toMatch(/^[A-Za-z0-9+/]{40}$/);
        expect(fresh[mode]).not.toBe(old[mode]);
        expect(await verifies(tunnel.tunnelId, mode, old[mode])).toBe(false);
        expect(await verifies(tunnel.tunnelId, mode, fresh[mode]!)).toBe(true);
      }
      for (const mode of kept) {
        expect(fresh[mode]).toBeUndefined();
        expect(await verifies(tunnel.tunnelId, mode, old[mode])).toBe(true);
      }
      if (clientMode === 'ALL') expect(fresh.SOURCE).not.toBe(fresh.DESTINATION);
      const described = (await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel!;
      expect(described.status).toBe('OPEN');
      expect(described.timeoutConfig).toEqual({ maxLifetimeTimeoutMinutes: 60 });

      const [event] = await events.waitFor(ofType(EVENT_TYPES.tunnels.TokenRotated, tunnel.tunnelId));
      const expiresAt = new Date(createdAt.getTime() + 60 * MINUTE_MS).toISOString();
      expect(event.key).toBe(tunnel.tunnelId);
      expect(event.headers).toEqual({
        ce_specversion: '1.0',
        ce_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        ce_source: '/rekey/tunnels',
        ce_type: 'rekey.tunnels.TokenRotated',
        ce_subject: tunnel.tunnelArn,
        ce_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        ce_tenant: TENANT_A,
        'content-type': 'application/json',
      });
      const kinds = { SOURCE: 'SourceAccessToken', DESTINATION: 'DestinationAccessToken' } as const;
      expect(event.data).toMatchObject({
        tenant: TENANT_A,
        resourceType: 'tunnel',
        resourceId: tunnel.tunnelId,
        resourceArn: tunnel.tunnelArn,
        clientMode,
        thingName,
        generation: 2,
        tokens: rotated.map((mode) => ({ kind: kinds[mode], fingerprint: fingerprint(fresh[mode]!), verifier: sha256Hex(fresh[mode]!), expiresAt })),
      });
      expect(Date.parse(String(event.data.rotatedAt))).toBeGreaterThan(createdAt.getTime() + 19 * MINUTE_MS);
      expect('sealedDestinationAccessToken' in event.data).toBe(rotated.includes('DESTINATION' as never));
      for (const token of [...Object.values(old), ...Object.values(fresh)].filter((t): t is string => t !== undefined)) {
        expect(event.raw).not.toContain(token);
        expect(JSON.stringify(event.headers)).not.toContain(token);
      }
      const stored = await storedTunnel(tunnel.tunnelId);
      expect(stored).toMatchObject({ generation: 2 });
      for (const token of Object.values(fresh).filter((t): t is string => t !== undefined)) expect(JSON.stringify(stored)).not.toContain(token);
    },
  );

  it('RotateTunnelAccessToken DESTINATION with a DestinationConfig gives the tunnel its destination and seals the new token for it', async () => {
    const tunnel = await open();
    const thingName = uniqueName('late-thing');
    const answer = await a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'DESTINATION', destinationConfig: { thingName, services: ['VNC'] } }));
    expect((await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel?.destinationConfig).toEqual({ thingName, services: ['VNC'] });
    const [event] = await events.waitFor(ofType(EVENT_TYPES.tunnels.TokenRotated, tunnel.tunnelId));
    expect(event.data).toMatchObject({ clientMode: 'DESTINATION', thingName, generation: 2 });
    const sealed = keyring.open<SealedDestinationToken>(String(event.data.sealedDestinationAccessToken), DESTINATION_TOKEN_SEAL_PURPOSE);
    expect(sealed).toEqual({ tunnelId: tunnel.tunnelId, destinationAccessToken: answer.destinationAccessToken });
    const listed = await a.send(new ListTunnelsCommand({ thingName }));
    expect(listed.tunnelSummaries?.map((t) => t.tunnelId)).toEqual([tunnel.tunnelId]);
  });

  it('gives every one of concurrent rotations its own generation, carried by its own event; only the last tokens verify', async () => {
    const tunnel = await open();
    const answers = await Promise.all(Array.from({ length: 6 }, () => a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'ALL' }))));
    const rotations = await events.waitFor(ofType(EVENT_TYPES.tunnels.TokenRotated, tunnel.tunnelId), 6);
    expect(rotations.map((e) => e.data.generation).sort()).toEqual([2, 3, 4, 5, 6, 7]);
    expect((await storedTunnel(tunnel.tunnelId))?.generation).toBe(7);
    const latest = rotations.find((e) => e.data.generation === 7)!;
    const verifying = [];
    for (const answer of answers) {
      if (await verifies(tunnel.tunnelId, 'SOURCE', answer.sourceAccessToken!)) verifying.push(answer);
    }
    expect(verifying).toHaveLength(1);
    expect((latest.data.tokens as Array<{ fingerprint: string }>)[0].fingerprint).toBe(fingerprint(verifying[0].sourceAccessToken!));
  });

  it('refuses invalid input with ValidationException (400), DestinationConfig with SOURCE included', async () => {
    const tunnel = await open();
    const invalid = [
      a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'SOURCE', destinationConfig: { services: ['SSH'] } })),
      a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'BOTH' as never })),
      a.send(new OpenTunnelCommand({ timeoutConfig: { maxLifetimeTimeoutMinutes: 721 } })),
      a.send(new OpenTunnelCommand({ timeoutConfig: { maxLifetimeTimeoutMinutes: 0 } })),
      a.send(new OpenTunnelCommand({ description: 'bell\u0007' })),
      a.send(new OpenTunnelCommand({ destinationConfig: { services: [] } })),
      a.send(new OpenTunnelCommand({ destinationConfig: { thingName: 'no spaces', services: ['SSH'] } })),
      a.send(new OpenTunnelCommand({ tags: [{ key: '', value: 'v' }] })),
      a.send(new ListTunnelsCommand({ maxResults: 101 })),
      a.send(new ListTunnelsCommand({ nextToken: 'not a token!' })),
      a.send(new DescribeTunnelCommand({ tunnelId: 'spaces are not allowed' })),
      a.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId, delete: 'yes' as never })),
    ];
    for (const failure of await Promise.all(invalid.map((call) => failureOf(call)))) expect(failure).toMatchObject({ name: 'ValidationException', status: 400 });
    expect((await failureOf(invalid[0])).message).toContain('DestinationConfig cannot be used with clientMode SOURCE');
    expect(await verifies(tunnel.tunnelId, 'SOURCE', tunnel.source)).toBe(true);
    expect((await storedTunnel(tunnel.tunnelId))?.generation).toBe(1);
  });

  it('answers ResourceNotFoundException (HTTP 400) for an unknown tunnel, and for another tenant\'s tunnel exactly the same', async () => {
    const tunnel = await open({ destinationConfig: { thingName: uniqueName('thing'), services: ['SSH'] } });
    const unknown = '7b0c3f5e-8a41-4d7e-9c55-2f6b1f7a0d11';
    for (const [client, tunnelId] of [[a, unknown], [b, tunnel.tunnelId]] as const) {
      for (const call of [
        client.send(new RotateTunnelAccessTokenCommand({ tunnelId, clientMode: 'ALL' })),
        client.send(new DescribeTunnelCommand({ tunnelId })),
        client.send(new CloseTunnelCommand({ tunnelId, delete: true })),
      ]) {
        const { name, status, message } = await failureOf(call);
        expect({ name, status, message }).toEqual({ name: 'ResourceNotFoundException', status: 400, message: `Tunnel ${tunnelId} not found` });
      }
    }
    const arnOfB = tunnel.tunnelArn.replace(TENANT_A, '222222222222');
    for (const resourceArn of [tunnel.tunnelArn, arnOfB]) {
      expect(await failureOf(b.send(new ListTagsForResourceCommand({ resourceArn })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
      expect(await failureOf(b.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'k', value: 'v' }] })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    }
    const listedByB = await b.send(new ListTunnelsCommand({}));
    expect(listedByB.tunnelSummaries?.map((t) => t.tunnelId)).not.toContain(tunnel.tunnelId);
    expect((await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel?.status).toBe('OPEN');
    expect(await verifies(tunnel.tunnelId, 'SOURCE', tunnel.source)).toBe(true);
    expect(await verifies(unknown, 'SOURCE', tunnel.source)).toBe(false);
  });

  it('a tunnel past its lifetime describes as CLOSED, its tokens die and it cannot be rotated; the sweeper records TunnelClosed once', async () => {
    const tunnel = await open({ timeoutConfig: { maxLifetimeTimeoutMinutes: 1 } });
    shiftClock(59_000);
    expect((await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel?.status).toBe('OPEN');
    expect(await verifies(tunnel.tunnelId, 'SOURCE', tunnel.source)).toBe(true);
    shiftClock(61_000);
    expect((await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel?.status).toBe('CLOSED');
    const listed = await a.send(new ListTunnelsCommand({ maxResults: 100 }));
    expect(listed.tunnelSummaries?.find((t) => t.tunnelId === tunnel.tunnelId)?.status).toBe('CLOSED');
    expect(await verifies(tunnel.tunnelId, 'SOURCE', tunnel.source)).toBe(false);
    expect(await verifies(tunnel.tunnelId, 'DESTINATION', tunnel.destination)).toBe(false);
    expect(await failureOf(a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'ALL' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });

    const sweeper = app.nest.get(TunnelSweeper);
    const sweeps = await Promise.all([sweeper.sweep(), sweeper.sweep()]);
    expect(sweeps[0]).toBeGreaterThanOrEqual(1);
    expect(await sweeper.sweep()).toBe(0);
    await a.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId }));
    const [closed] = await events.waitFor(ofType(EVENT_TYPES.tunnels.TunnelClosed, tunnel.tunnelId));
    const createdAt = (await storedTunnel(tunnel.tunnelId))!.createdAt as Date;
    expect(closed.data).toMatchObject({ tunnelId: tunnel.tunnelId, reason: 'EXPIRED', deleted: false, closedAt: new Date(createdAt.getTime() + MINUTE_MS).toISOString() });
    await sleep(500);
    expect(events.events.filter(ofType(EVENT_TYPES.tunnels.TunnelClosed, tunnel.tunnelId))).toHaveLength(1);
    expect(await storedTunnel(tunnel.tunnelId)).toMatchObject({ state: 'CLOSED', closeReason: 'EXPIRED' });
  });

  it('CloseTunnel kills the tokens and records TunnelClosed once; with delete the tunnel is gone', async () => {
    const tunnel = await open();
    await a.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId }));
    expect((await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel?.status).toBe('CLOSED');
    expect(await verifies(tunnel.tunnelId, 'SOURCE', tunnel.source)).toBe(false);
    expect(await verifies(tunnel.tunnelId, 'DESTINATION', tunnel.destination)).toBe(false);
    await a.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId }));
    const [closed] = await events.waitFor(ofType(EVENT_TYPES.tunnels.TunnelClosed, tunnel.tunnelId));
    expect(closed.headers.ce_subject).toBe(tunnel.tunnelArn);
    expect(closed.data).toMatchObject({ tenant: TENANT_A, tunnelId: tunnel.tunnelId, tunnelArn: tunnel.tunnelArn, reason: 'CLOSED', deleted: false });

    await a.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId, delete: true }));
    expect(await failureOf(a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const both = await events.waitFor(ofType(EVENT_TYPES.tunnels.TunnelClosed, tunnel.tunnelId), 2);
    expect(both.map((e) => e.data.deleted)).toEqual([false, true]);
    const deadline = Date.now() + 10_000;
    while ((await storedTunnel(tunnel.tunnelId)) !== null && Date.now() < deadline) await sleep(100);
    expect(await storedTunnel(tunnel.tunnelId)).toBeNull();

    const openDeleted = await open();
    await a.send(new CloseTunnelCommand({ tunnelId: openDeleted.tunnelId, delete: true }));
    expect(await failureOf(a.send(new DescribeTunnelCommand({ tunnelId: openDeleted.tunnelId })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await verifies(openDeleted.tunnelId, 'SOURCE', openDeleted.source)).toBe(false);
    const [deletedEvent] = await events.waitFor(ofType(EVENT_TYPES.tunnels.TunnelClosed, openDeleted.tunnelId));
    expect(deletedEvent.data).toMatchObject({ reason: 'CLOSED', deleted: true });
  });

  it('a tunnel rotated here, then closed, cannot be rotated: the remembered open state is checked by the write', async () => {
    const tunnel = await open();
    for (let i = 0; i < 2; i += 1) await a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'ALL' }));
    await a.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId }));
    expect(await failureOf(a.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'ALL' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await storedTunnel(tunnel.tunnelId)).toMatchObject({ state: 'CLOSED', generation: 3 });
  });

  it('ListTunnels lists newest first, pages with nextToken and filters by thingName', async () => {
    const thingName = uniqueName('thing');
    const opened = [];
    for (let i = 0; i < 3; i += 1) {
      shiftClock(i * 1000);
      opened.push(await open({ description: `tunnel ${i}`, destinationConfig: { thingName, services: ['SSH'] } }));
    }
    realTime();
    await open({ destinationConfig: { thingName: uniqueName('other'), services: ['SSH'] } });
    const first = await a.send(new ListTunnelsCommand({ thingName, maxResults: 2 }));
    expect(first.tunnelSummaries?.map((t) => t.tunnelId)).toEqual([opened[2].tunnelId, opened[1].tunnelId]);
    expect(first.tunnelSummaries?.[0]).toMatchObject({ tunnelArn: opened[2].tunnelArn, status: 'OPEN', description: 'tunnel 2' });
    expect(first.tunnelSummaries?.[0].createdAt).toBeInstanceOf(Date);
    expect(first.nextToken).toMatch(/^[a-zA-Z0-9_=-]{1,4096}$/);
    const second = await a.send(new ListTunnelsCommand({ thingName, maxResults: 2, nextToken: first.nextToken }));
    expect(second.tunnelSummaries?.map((t) => t.tunnelId)).toEqual([opened[0].tunnelId]);
    expect(second.nextToken).toBeUndefined();

    const paged = [];
    for await (const page of paginateListTunnels({ client: a, pageSize: 1 }, { thingName })) paged.push(...(page.tunnelSummaries ?? []));
    expect(paged.map((t) => t.tunnelId)).toEqual([opened[2], opened[1], opened[0]].map((t) => t.tunnelId));

    const all = (await a.send(new ListTunnelsCommand({}))).tunnelSummaries ?? [];
    const times = all.map((t) => t.createdAt!.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(await failureOf(b.send(new ListTunnelsCommand({ thingName, nextToken: first.nextToken })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failureOf(a.send(new ListTunnelsCommand({ nextToken: first.nextToken })))).toMatchObject({ name: 'ValidationException', status: 400 });
  });

  it('TagResource, UntagResource and ListTagsForResource work on the tunnel ARN', async () => {
    const tunnel = await open({ tags: [{ key: 'env', value: 'dev' }] });
    await a.send(new TagResourceCommand({ resourceArn: tunnel.tunnelArn, tags: [{ key: 'env', value: 'prod' }, { key: 'owner', value: 'ops@example.com' }, { key: 'empty', value: '' }] }));
    expect((await a.send(new ListTagsForResourceCommand({ resourceArn: tunnel.tunnelArn }))).tags).toEqual([
      { key: 'env', value: 'prod' },
      { key: 'owner', value: 'ops@example.com' },
      { key: 'empty', value: '' },
    ]);
    await a.send(new UntagResourceCommand({ resourceArn: tunnel.tunnelArn, tagKeys: ['env', 'missing'] }));
    expect((await a.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }))).tunnel?.tags).toEqual([
      { key: 'owner', value: 'ops@example.com' },
      { key: 'empty', value: '' },
    ]);
    await Promise.all(['x', 'y', 'z'].map((key) => a.send(new TagResourceCommand({ resourceArn: tunnel.tunnelArn, tags: [{ key, value: key }] }))));
    expect((await a.send(new ListTagsForResourceCommand({ resourceArn: tunnel.tunnelArn }))).tags?.map((t) => t.key).sort()).toEqual(['empty', 'owner', 'x', 'y', 'z']);
    const otherRegion = tunnel.tunnelArn.replace('us-east-1', 'eu-west-1');
    expect(await failureOf(a.send(new ListTagsForResourceCommand({ resourceArn: otherRegion })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(await failureOf(a.send(new TagResourceCommand({ resourceArn: tunnel.tunnelArn, tags: [] })))).toMatchObject({ name: 'ValidationException', status: 400 });
  });

  it('answers an unknown X-Amz-Target with UnknownOperationException and labels requests by operation in /metrics', async () => {
    const client = new IoTSecureTunnelingClient(awsClientConfig(app.url, 'A'));
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-target'] = 'IoTSecuredTunneling.StealTunnel';
        return next(args);
      },
      { step: 'build' },
    );
    expect(await failureOf(client.send(new ListTunnelsCommand({})))).toMatchObject({ name: 'UnknownOperationException', status: 400 });
    await a.send(new ListTunnelsCommand({ maxResults: 1 }));
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/rekey_http_requests_total\{[^}]*operation="ListTunnels",status="200"[^}]*\} \d+/);
    expect(metrics).toMatch(/rekey_http_requests_total\{[^}]*operation="RotateTunnelAccessToken",status="200"[^}]*\} \d+/);
    expect(metrics).not.toContain('StealTunnel');
  });
});
