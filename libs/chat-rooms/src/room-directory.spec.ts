import { DirectoryRoom, RoomDirectory } from './room-directory';

/** A room with a limit, as the chat gateway keeps them. */
interface RoomLimits extends DirectoryRoom {
  maximumMessageLength: number;
}

const room = (overrides: Partial<RoomLimits> = {}): RoomLimits => ({
  arn: 'arn:aws:ivschat:us-east-1:111111111111:room/AbCdEf123456',
  tenant: '111111111111',
  maximumMessageLength: 500,
  updateTime: '2026-11-30T10:00:00.000Z',
  ...overrides,
});


describe('RoomDirectory (chat room cache and gateway projection)', () => {
  const arn = 'arn:aws:ivschat:us-east-1:111111111111:room/AbCdEf123456';

  it('knows a room for its tenant only, and nothing about rooms it never saw', () => {
    const directory = new RoomDirectory();
    expect(directory.lookup('111111111111', arn)).toBeUndefined();
    directory.put({ arn: arn, tenant: '111111111111' });
    expect(directory.lookup('111111111111', arn)).toBe(true);
    expect(directory.lookup('222222222222', arn)).toBe(false);
  });

  it('never brings a deleted room back, whatever arrives after the deletion', () => {
    const directory = new RoomDirectory();
    directory.put({ arn: arn, tenant: '111111111111' });
    directory.remove(arn);
    expect(directory.lookup('111111111111', arn)).toBe(false);
    // A start-up load or a RoomUpdated that raced with the deletion.
    directory.put({ arn: arn, tenant: '111111111111' });
    expect(directory.lookup('111111111111', arn)).toBe(false);
  });

  it('remembers a deletion it learns before the creation', () => {
    const directory = new RoomDirectory();
    directory.remove(arn);
    directory.put({ arn: arn, tenant: '111111111111' });
    expect(directory.lookup('111111111111', arn)).toBe(false);
  });

  it('lists the live rooms it knows, for the periodic check against MongoDB', () => {
    const directory = new RoomDirectory();
    directory.put({ arn: arn, tenant: '111111111111' });
    directory.put({ arn: `${arn}x`, tenant: '111111111111' });
    directory.remove(`${arn}x`);
    expect(directory.known()).toEqual([arn]);
  });

  it('keeps the newest limits of a room, whatever order the changes arrive in', () => {
    const directory = new RoomDirectory<RoomLimits>();
    directory.put(room({ maximumMessageLength: 20, updateTime: '2026-11-30T10:00:02.000Z' }));
    directory.put(room({ maximumMessageLength: 30, updateTime: '2026-11-30T10:00:01.000Z' }));
    expect(directory.get(room().arn)?.maximumMessageLength).toBe(20);
    directory.put(room({ maximumMessageLength: 40, updateTime: '2026-11-30T10:00:03.000Z' }));
    expect(directory.get(room().arn)?.maximumMessageLength).toBe(40);
  });

  it('never brings a deleted room back', () => {
    const directory = new RoomDirectory<RoomLimits>();
    directory.put(room());
    directory.remove(room().arn);
    directory.put(room({ updateTime: '2026-11-30T11:00:00.000Z' }));
    expect(directory.get(room().arn)).toBeUndefined();
    expect(directory.isDeleted(room().arn)).toBe(true);
  });
});
