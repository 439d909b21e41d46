import { connect, createServer, Server } from 'node:net';
import { LocalKafka } from './local-kafka';
import { LocalMongo } from './local-mongo';

describe('private test servers on a port that is already taken', () => {
  let squatter: Server;
  let port: number;

  beforeAll(async () => {
    squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    port = (squatter.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => squatter.close(resolve)));

  it.each([
    ['LocalKafka', () => new LocalKafka(port), 'kafka'],
    ['LocalMongo', () => new LocalMongo(port), 'mongo'],
  ])('%s refuses to start, naming the port, and its stop leaves the port owner alone', async (_, server, kind) => {
    const instance = server();
    await expect(instance.start()).rejects.toThrow(`port ${port} is already in use`);
    await expect(instance.start()).rejects.toThrow(`down ${kind}-${port}`);
    await instance.stop();
    expect(squatter.listening).toBe(true);
  });
});

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('a private test server stopped while it is still starting', () => {
  it('waits for the start and stops what it started (a failed sibling start must not leave it running)', async () => {
    // A private port of this test's own (the fault suites use 27217–27517).
    const mongo = new LocalMongo(27917);
    const started = mongo.start();
    await mongo.stop();
    await started;
    const leftRunning = await answers(mongo.port);
    // Without the fix the server is up now: stop it, so that a failing run leaves nothing behind.
    await mongo.stop();
    expect(leftRunning).toBe(false);
  }, 60_000);
});
