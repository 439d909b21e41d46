import { TunnelMessage, TunnelMessageType as T } from '@rekey/tunnel-protocol';
import { adaptForPeer, judgeClientMessage, StreamTable, withImpliedService } from './message-rules';

describe('client message rules (V3 guide)', () => {
  it.each([
    ['type UNKNOWN', { type: T.UNKNOWN }, 'source'],
    ['an unknown type', { type: 9, streamId: 1 }, 'source'],
    ['SESSION_RESET', { type: T.SESSION_RESET }, 'source'],
    ['SERVICE_IDS', { type: T.SERVICE_IDS, availableServiceIds: ['A'] }, 'destination'],
    ['STREAM_START from the destination', { type: T.STREAM_START, streamId: 1 }, 'destination'],
    ['DATA with streamId 0', { type: T.DATA, payload: Buffer.from('x') }, 'source'],
    ['CONNECTION_START with streamId 0', { type: T.CONNECTION_START, connectionId: 2 }, 'source'],
    ['availableServiceIds outside SERVICE_IDS', { type: T.DATA, streamId: 1, availableServiceIds: ['A'] }, 'source'],
    ['a payload over 63 KiB', { type: T.DATA, streamId: 1, payload: Buffer.alloc(64_513) }, 'source'],
  ] as Array<[string, TunnelMessage, 'source' | 'destination']>)('closes on %s', (_what, message, sender) => {
    expect(judgeClientMessage(message, sender).action).toBe('close');
  });

  it('relays valid messages and drops an ignorable unknown type', () => {
    expect(judgeClientMessage({ type: T.STREAM_START, streamId: 1, serviceId: 'A' }, 'source')).toEqual({ action: 'relay' });
    expect(judgeClientMessage({ type: T.DATA, streamId: 1, payload: Buffer.alloc(64_512) }, 'destination')).toEqual({ action: 'relay' });
    expect(judgeClientMessage({ type: 9, ignorable: true }, 'source')).toEqual({ action: 'drop' });
  });

  it('applies the serviceId rules over the stream history', () => {
    const table = new StreamTable(['A', 'B']);
    expect(table.judge({ type: T.DATA, streamId: 1, serviceId: 'A' }).action).toBe('close'); // no stream yet
    expect(table.judge({ type: T.STREAM_START, streamId: 1, serviceId: 'C' }).action).toBe('close'); // not a service
    expect(table.judge({ type: T.STREAM_START, streamId: 1, serviceId: 'A' }).action).toBe('relay');
    expect(table.judge({ type: T.DATA, streamId: 1, serviceId: 'A' }).action).toBe('relay');
    expect(table.drain()).toEqual([{ serviceId: 'A', streamId: 1 }]);

    const unnamed = new StreamTable(['A', 'B']);
    expect(unnamed.judge({ type: T.STREAM_START, streamId: 4 }).action).toBe('relay');
    expect(unnamed.judge({ type: T.DATA, streamId: 4 }).action).toBe('relay');
    expect(unnamed.judge({ type: T.DATA, streamId: 4, serviceId: 'A' }).action).toBe('close'); // started without one
  });

  it('names the only service of a single-service tunnel, and adapts messages to older peers', () => {
    const v1 = { type: T.DATA, streamId: 2, payload: Buffer.from('x') };
    expect(withImpliedService(v1, ['SSH'])).toEqual({ ...v1, serviceId: 'SSH' });
    expect(withImpliedService(v1, ['SSH', 'RDP'])).toBe(v1);
    const v3 = { type: T.DATA, streamId: 2, serviceId: 'SSH', connectionId: 3 };
    expect(adaptForPeer(v3, 3)).toBe(v3);
    expect(adaptForPeer(v3, 2)).toEqual({ type: T.DATA, streamId: 2, serviceId: 'SSH', connectionId: undefined });
    expect(adaptForPeer(v3, 1)).toEqual({ type: T.DATA, streamId: 2, serviceId: undefined, connectionId: undefined });
    expect(adaptForPeer({ type: T.CONNECTION_START, streamId: 2, connectionId: 2 }, 2)).toBeUndefined();
  });
});
