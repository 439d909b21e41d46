import { createServer, Server } from 'node:net';
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
