import { Registry } from 'prom-client';
import { DeliveryTarget } from '../src/bots/bots.service';
import { BotEventSender } from '../src/deliveries/bot-event-sender';
import { Delivery } from '../src/deliveries/deliveries.repository';
import { OutboundClient } from '../src/outbound/outbound-client';
import { OutboundMetrics } from '../src/outbound/outbound.metrics';
import { SignedPoster } from '../src/outbound/signed-poster';
import { Behaviour, ChimeReceiver, createTestCa, TestCa, verifiesWith } from './chime-receiver';

/** Chime's retry policy against a real HTTPS receiver, with the bot's state given per attempt (as the database would answer it). */
describe('BotEventSender', () => {
  let ca: TestCa;
  let client: OutboundClient;
  let receiver: ChimeReceiver;
  const delivery: Delivery = { id: 'd-1', queueId: 'q', seq: 1, tenant: '111111111111', accountId: 'acc', botId: 'bot', eventType: 'Remove', body: '{"EventType":"Remove"}', acceptedAt: new Date() };

  /** A sender whose n-th read of the bot answers targets[n] (the last one repeating). */
  const sender = (targets: Array<DeliveryTarget | null>) => {
    let reads = 0;
    const reader = { target: async () => targets[Math.min(reads++, targets.length - 1)] };
    return new BotEventSender(reader as never, new SignedPoster(client, new OutboundMetrics(new Registry())));
  };
  const target = (securityToken = 'token-1', endpoint: string | null = receiver.url()): DeliveryTarget => ({ disabled: false, endpoint, securityToken, generation: 1 });
  const answering = (behaviour: Behaviour) => {
    receiver.requests.length = 0;
    receiver.behaviour = behaviour;
  };

  beforeAll(async () => {
    ca = createTestCa();
    client = new OutboundClient({ production: false, caFile: ca.caFile, deadlineMs: 300 });
    receiver = await ChimeReceiver.start(ca);
  });
  afterAll(async () => {
    await client?.close();
    await receiver?.close();
  });

  it('retries a timeout, and signs the retry with the token read for it (a rotation in between)', async () => {
    answering((_, index) => ({ status: 200, delayMs: index === 0 ? 600 : 0 }));
    expect(await sender([target('token-1'), target('token-2')]).send(delivery)).toEqual({ delivered: true, status: 200, attempts: 2 });
    expect(receiver.requests).toHaveLength(2);
    expect(verifiesWith(receiver.requests[1], 'token-2')).toBe(true);
    expect(verifiesWith(receiver.requests[1], 'token-1')).toBe(false);
  });

  it('gives up after three 5xx, does not retry a 4xx or a redirect', async () => {
    answering(() => ({ status: 503 }));
    expect(await sender([target()]).send(delivery)).toEqual({ delivered: false, reason: 'ServerError', status: 503, attempts: 3 });
    answering(() => ({ status: 403 }));
    expect(await sender([target()]).send(delivery)).toEqual({ delivered: false, reason: 'Rejected', status: 403, attempts: 1 });
    answering(() => ({ status: 301, headers: { location: 'https://elsewhere.example/' } }));
    expect(await sender([target()]).send(delivery)).toEqual({ delivered: false, reason: 'Rejected', status: 301, attempts: 1 });
  });

  it('retries an unreachable endpoint, and stops sending once the bot is disabled or gone', async () => {
    expect(await sender([target('t', 'https://localhost:1/')]).send(delivery)).toEqual({ delivered: false, reason: 'Unreachable', status: null, attempts: 3 });
    answering(() => ({ status: 500 }));
    expect(await sender([target(), { ...target(), disabled: true }]).send(delivery)).toEqual({ delivered: false, reason: 'BotDisabled', status: null, attempts: 1 });
    expect(await sender([null]).send(delivery)).toEqual({ delivered: false, reason: 'BotNotFound', status: null, attempts: 0 });
    expect(await sender([target('t', null)]).send(delivery)).toEqual({ delivered: false, reason: 'NoEndpoint', status: null, attempts: 0 });
  });
});
