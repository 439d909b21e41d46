import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateChatTokenRequest } from './chat-token.dto';
import { CreateRoomRequest, ListRoomsRequest, RoomIdentifierRequest } from './room.dto';
import { stringMapProblem } from './string-map';
import { ResourceArnRequest, UntagRoomRequest } from './tags.dto';

/** Names of the failing properties (nested ones as `parent.child`), as validateInput reports them. */
function failing<T extends object>(dto: new () => T, input: object): string[] {
  const walk = (errors: ReturnType<typeof validateSync>, prefix = ''): string[] =>
    errors.flatMap((e) => [...(e.constraints ? [`${prefix}${e.property}`] : []), ...walk(e.children ?? [], `${prefix}${e.property}.`)]);
  return walk(validateSync(plainToInstance(dto, input), { forbidUnknownValues: false }));
}

const ROOM = 'arn:aws:ivschat:us-east-1:111111111111:room/AbCdEf123456';

describe('IVS Chat request DTOs (botocore ivschat 2020-07-14 constraints)', () => {
  it('accepts a full CreateChatToken request at its limits', () => {
    expect(failing(CreateChatTokenRequest, { roomIdentifier: ROOM, userId: '💬'.repeat(128), capabilities: ['SEND_MESSAGE', 'DISCONNECT_USER', 'DELETE_MESSAGE'], sessionDurationInMinutes: 180, attributes: { k: 'v'.repeat(1023) } })).toEqual([]);
    expect(failing(CreateChatTokenRequest, { roomIdentifier: ROOM, userId: 'u', sessionDurationInMinutes: 1 })).toEqual([]);
  });

  it.each([
    [{ userId: 'u' }, 'roomIdentifier'],
    [{ roomIdentifier: 'AbCdEf123456', userId: 'u' }, 'roomIdentifier'],
    [{ roomIdentifier: ROOM }, 'userId'],
    [{ roomIdentifier: ROOM, userId: 'u'.repeat(129) }, 'userId'],
    [{ roomIdentifier: ROOM, userId: 7 }, 'userId'],
    [{ roomIdentifier: ROOM, userId: 'u', capabilities: ['VIEW'] }, 'capabilities'],
    [{ roomIdentifier: ROOM, userId: 'u', capabilities: 'SEND_MESSAGE' }, 'capabilities'],
    [{ roomIdentifier: ROOM, userId: 'u', sessionDurationInMinutes: 181 }, 'sessionDurationInMinutes'],
    [{ roomIdentifier: ROOM, userId: 'u', sessionDurationInMinutes: 1.5 }, 'sessionDurationInMinutes'],
    [{ roomIdentifier: ROOM, userId: 'u', attributes: { k: 'v'.repeat(1024) } }, 'attributes'],
    [{ roomIdentifier: ROOM, userId: 'u', attributes: { k: 1 } }, 'attributes'],
    [{ roomIdentifier: ROOM, userId: 'u', attributes: ['a'] }, 'attributes'],
  ])('refuses CreateChatToken %j on %s', (input, field) => {
    expect(failing(CreateChatTokenRequest, input)).toContain(field);
  });

  it('checks a room\'s settings and nested review handler', () => {
    expect(failing(CreateRoomRequest, {})).toEqual([]);
    expect(failing(CreateRoomRequest, { name: 'a'.repeat(128), maximumMessageRatePerSecond: 1, maximumMessageLength: 500, messageReviewHandler: { uri: '', fallbackResult: 'DENY' } })).toEqual([]);
    expect(failing(CreateRoomRequest, { name: 'a'.repeat(129) })).toEqual(['name']);
    expect(failing(CreateRoomRequest, { messageReviewHandler: 'x' })).toContain('messageReviewHandler');
    expect(failing(CreateRoomRequest, { messageReviewHandler: { uri: 'arn:aws:lambda:us-east-1:1234:function:f' } })).toEqual(['messageReviewHandler.uri']);
    expect(failing(CreateRoomRequest, { tags: { '': 'v' } })).toEqual(['tags']);
    expect(failing(CreateRoomRequest, { tags: { k: 'v'.repeat(257) } })).toEqual(['tags']);
  });

  it('checks listing and identifier requests', () => {
    expect(failing(ListRoomsRequest, { maxResults: 50 })).toEqual([]);
    expect(failing(ListRoomsRequest, { maxResults: 51 })).toEqual(['maxResults']);
    expect(failing(ListRoomsRequest, { maxResults: 0 })).toEqual(['maxResults']);
    expect(failing(RoomIdentifierRequest, { identifier: `${ROOM}/x` })).toEqual(['identifier']);
    expect(failing(ResourceArnRequest, { resourceArn: ROOM })).toEqual([]);
    expect(failing(ResourceArnRequest, { resourceArn: 'arn:aws:ivs:us-east-1:111111111111:channel/abc' })).toEqual(['resourceArn']);
    expect(failing(UntagRoomRequest, { resourceArn: ROOM, tagKeys: Array.from({ length: 51 }, (_, i) => `k${i}`) })).toEqual(['tagKeys']);
  });

  it('counts the 1 KB of attributes in UTF-8 bytes of keys and values', () => {
    expect(stringMapProblem({ ab: 'é'.repeat(511) }, { maxTotalBytes: 1024 })).toBeUndefined();
    expect(stringMapProblem({ abc: 'é'.repeat(511) }, { maxTotalBytes: 1024 })).toMatch(/1024 bytes.*1025/);
  });
});
