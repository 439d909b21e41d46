// The chat gateway's fan-out ceiling: a bare `ws` server that sends every frame it receives to
// every connection as `ws`'s own broadcast example does (the received buffer, not copied per
// connection), with no token, no JSON, no Kafka. Started by main.ts in its own process, on PORT.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((request, response) => response.writeHead(request.url === '/ready' ? 200 : 404).end());
const sockets = new WebSocketServer({ server });
sockets.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of sockets.clients) client.send(data, { binary: isBinary });
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  for (const client of sockets.clients) client.terminate();
  server.close(() => process.exit(0));
});
