import { RoomDirectory, RoomLimits } from './room-directory';

const room = (overrides: Partial<RoomLimits> = {}): RoomLimits => ({
  arn: 'arn:aws:ivschat:us-east-1:111111111111:room/AbCdEf123456',
  tenant: '111111111111',
  maximumMessageLength: 500,
  maximumMessageRatePerSecond: 10,
  updateTime: '2026-11-30T10:00:00.000Z',
  ...overrides,
});

describe('RoomDirectory', () => {
  it('keeps the newest limits of a room, whatever order the changes arrive in', () => {
    const directory = new RoomDirectory();
    directory.put(room({ maximumMessageLength: 20, updateTime: '2026-11-30T10:00:02.000Z' }));
    directory.put(room({ maximumMessageLength: 30, updateTime: '2026-11-30T10:00:01.000Z' }));
    expect(directory.get(room().arn)?.maximumMessageLength).toBe(20);
    directory.put(room({ maximumMessageLength: 40, updateTime: '2026-11-30T10:00:03.000Z' }));
    expect(directory.get(room().arn)?.maximumMessageLength).toBe(40);
  });

  it('never brings a deleted room back', () => {
    const directory = new RoomDirectory();
    directory.put(room());
    directory.remove(room().arn);
    directory.put(room({ updateTime: '2026-11-30T11:00:00.000Z' }));
    expect(directory.get(room().arn)).toBeUndefined();
    expect(directory.isDeleted(room().arn)).toBe(true);
  });
});
