import { LocalProxy, ProtocolVersion } from '@rekey/tunnel-protocol';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = `usage: local-proxy (-s SERVICE=PORT... | -d SERVICE=HOST:PORT...) -e ENDPOINT -t TOKEN [-i CLIENT_TOKEN] [-y V1|V2|V3] [-c CA_PEM]
  -s  source mode: listen on PORT for SERVICE (repeatable)
  -d  destination mode: connect SERVICE to HOST:PORT (repeatable)
  -e  relay endpoint, e.g. ws://127.0.0.1:3004 or wss://relay.example (default $AWSIOT_TUNNEL_ENDPOINT)
  -t  client access token (default $AWSIOT_TUNNEL_ACCESS_TOKEN)
  -i  client token, to reconnect with the same access token (default $AWSIOT_TUNNEL_CLIENT_TOKEN)
  -y  protocol version (default V3)
  -c  PEM file of the CA that signed the relay's certificate`;

const { values } = parseArgs({
  options: {
    source: { type: 'string', short: 's', multiple: true },
    destination: { type: 'string', short: 'd', multiple: true },
    endpoint: { type: 'string', short: 'e', default: process.env.AWSIOT_TUNNEL_ENDPOINT },
    token: { type: 'string', short: 't', default: process.env.AWSIOT_TUNNEL_ACCESS_TOKEN },
    'client-token': { type: 'string', short: 'i', default: process.env.AWSIOT_TUNNEL_CLIENT_TOKEN },
    protocol: { type: 'string', short: 'y', default: 'V3' },
    ca: { type: 'string', short: 'c' },
  },
});

const pairs = values.source ?? values.destination;
const version = Number(values.protocol?.replace(/^V/i, '')) as ProtocolVersion;
if (!pairs || (values.source && values.destination) || !values.endpoint || !values.token || ![1, 2, 3].includes(version)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

const proxy = new LocalProxy({
  endpoint: /^wss?:\/\//.test(values.endpoint) ? values.endpoint : `wss://${values.endpoint}`,
  mode: values.source ? 'source' : 'destination',
  token: values.token,
  clientToken: values['client-token'],
  version,
  services: Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
  ...(values.ca && { ca: readFileSync(values.ca) }),
  reconnect: true,
});
proxy.on('ended', (end) => {
  process.stderr.write(`tunnel connection ended: ${JSON.stringify(end)}\n`);
  process.exit(0);
});
// A close frame on the way out, so the relay sees the end at once (and --cpu-prof gets written).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void proxy.stop().then(() => process.exit(0)));
proxy.start().then(
  () => {
    const where = proxy.options.mode === 'source' ? Object.keys(proxy.options.services).map((id) => `${id} on 127.0.0.1:${proxy.port(id)}`).join(', ') : 'waiting for streams';
    process.stderr.write(`connected as ${proxy.options.mode} (V${version}): ${where}\n`);
  },
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
