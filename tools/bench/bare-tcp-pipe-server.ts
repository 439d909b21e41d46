// The tunnel relay's stream ceiling: a bare Node TCP pipe, each connection to PORT piped both ways
// to 127.0.0.1:PIPE_TARGET_PORT (Nagle off, as the local proxies), nothing else. Started by the
// relay section in its own process, as each local proxy runs in its own.
import { createConnection, createServer } from 'node:net';

const server = createServer({ noDelay: true }, (client) => {
  const upstream = createConnection({ host: '127.0.0.1', port: Number(process.env.PIPE_TARGET_PORT), noDelay: true });
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stderr.write(`listening on 127.0.0.1:${process.env.PORT}\n`));
process.once('SIGTERM', () => process.exit(0));
