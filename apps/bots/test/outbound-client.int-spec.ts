import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboundClient, RESPONSE_BODY_LIMIT } from '../src/outbound/outbound-client';
import { ChimeReceiver, createTestCa, TestCa } from './chime-receiver';

describe('OutboundClient against a real local HTTPS receiver', () => {
  let ca: TestCa;
  let receiver: ChimeReceiver;
  const clients: OutboundClient[] = [];
  const client = (options: ConstructorParameters<typeof OutboundClient>[0]) => {
    const made = new OutboundClient(options);
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    ca = createTestCa();
    receiver = await ChimeReceiver.start(ca);
  });
  afterAll(async () => {
    await Promise.all(clients.map((made) => made.close()));
    await receiver?.close();
  });

  it('trusts the configured CA in addition to the bundled roots, and only then', async () => {
    const trusting = client({ production: false, caFile: ca.caFile });
    expect(await trusting.post(receiver.url(), '{}', {})).toMatchObject({ outcome: 'answered', status: 200 });
    expect(await client({ production: false }).post(receiver.url(), '{}', {})).toEqual({ outcome: 'unreachable', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('in production refuses loopback by name and by address unless the network is allowed, and refuses http', async () => {
    const before = receiver.requests.length;
    const strict = client({ production: true, caFile: ca.caFile });
    expect(await strict.post(receiver.url('/', 'localhost'), '{}', {})).toEqual({ outcome: 'refused', code: 'AddressNotAllowed' });
    expect(await strict.post(receiver.url('/', '127.0.0.1'), '{}', {})).toEqual({ outcome: 'refused', code: 'AddressNotAllowed' });
    expect(await strict.post('https://[::ffff:169.254.169.254]/latest/meta-data/', '{}', {})).toEqual({ outcome: 'refused', code: 'AddressNotAllowed' });
    expect(await strict.post(receiver.url().replace('https:', 'http:'), '{}', {})).toEqual({ outcome: 'refused', code: 'SchemeNotAllowed' });
    expect(receiver.requests.length).toBe(before);
    const allowed = client({ production: true, caFile: ca.caFile, allowedNetworks: ['127.0.0.0/8', '::1/128'] });
    expect(await allowed.post(receiver.url('/', 'localhost'), '{}', {})).toMatchObject({ outcome: 'answered', status: 200 });
  });

  it('does not follow redirects, reads at most the body limit, and gives up at the deadline', async () => {
    const trusting = client({ production: false, caFile: ca.caFile });
    const impatient = client({ production: false, caFile: ca.caFile, deadlineMs: 300 });
    receiver.behaviour = (request) =>
      request.path === '/redirect' ? { status: 302, headers: { location: receiver.url('/elsewhere') } } : request.path === '/big' ? { status: 200, body: 'x'.repeat(1024 * 1024) } : { status: 200, delayMs: 1_500 };
    const before = receiver.requests.length;
    expect(await trusting.post(receiver.url('/redirect'), '{}', {})).toMatchObject({ outcome: 'answered', status: 302 });
    const big = await trusting.post(receiver.url('/big'), '{}', {});
    expect(big.outcome === 'answered' && big.body.length).toBe(RESPONSE_BODY_LIMIT);
    expect(await impatient.post(receiver.url('/slow'), '{}', {})).toEqual({ outcome: 'timeout' });
    expect(receiver.requests.slice(before).map((request) => request.path)).toEqual(['/redirect', '/big', '/slow']);
  });

  it('allows plain http outside production, and tells an unreachable endpoint apart', async () => {
    const plain = createServer((_, res) => res.end('{}'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as AddressInfo).port;
    const relaxed = client({ production: false });
    expect(await relaxed.post(`http://127.0.0.1:${port}/`, '{}', {})).toMatchObject({ outcome: 'answered', status: 200 });
    await new Promise((resolve) => plain.close(resolve));
    expect(await relaxed.post(`http://127.0.0.1:${port}/`, '{}', {})).toEqual({ outcome: 'unreachable', code: 'ECONNREFUSED' });
    expect(await relaxed.post('ftp://example.com/', '{}', {})).toEqual({ outcome: 'refused', code: 'SchemeNotAllowed' });
  });
});
