import { Writable } from 'node:stream';
import * as ws from 'ws';
import { textFrame } from './text-frame';

/** `ws`'s own frame parser as a client runs it (exported by the package, not typed by @types/ws). */
type Receiver = Writable & { on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): Receiver };
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => Receiver };

function asClientReads(frame: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data, isBinary) => resolve({ text: data.toString('utf8'), isBinary }));
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('textFrame', () => {
  it.each([
    ['a short message (7-bit length)', 'héllo 👋', 2],
    ['126 bytes and more (16-bit length)', 'x'.repeat(126), 4],
    ['65,536 bytes and more (64-bit length)', '€'.repeat(30_000), 10],
  ])('is read by a WebSocket client as one text message: %s', async (_, text, header) => {
    const frame = textFrame(text);
    await expect(asClientReads(frame)).resolves.toEqual({ text, isBinary: false });
    expect(frame.length).toBe(header + Buffer.byteLength(text));
  });
});
