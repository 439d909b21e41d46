import { RoomDirectory } from './room-cache';

describe('RoomDirectory', () => {
  const arn = 'arn:aws:ivschat:us-east-1:111111111111:room/AbCdEf123456';

  it('knows a room for its tenant only, and nothing about rooms it never saw', () => {
    const directory = new RoomDirectory();
    expect(directory.lookup('111111111111', arn)).toBeUndefined();
    directory.put(arn, '111111111111');
    expect(directory.lookup('111111111111', arn)).toBe(true);
    expect(directory.lookup('222222222222', arn)).toBe(false);
  });

  it('never brings a deleted room back, whatever arrives after the deletion', () => {
    const directory = new RoomDirectory();
    directory.put(arn, '111111111111');
    directory.remove(arn);
    expect(directory.lookup('111111111111', arn)).toBe(false);
    // A start-up load or a RoomUpdated that raced with the deletion.
    directory.put(arn, '111111111111');
    expect(directory.lookup('111111111111', arn)).toBe(false);
  });

  it('remembers a deletion it learns before the creation', () => {
    const directory = new RoomDirectory();
    directory.remove(arn);
    directory.put(arn, '111111111111');
    expect(directory.lookup('111111111111', arn)).toBe(false);
  });

  it('lists the live rooms it knows, for the periodic check against MongoDB', () => {
    const directory = new RoomDirectory();
    directory.put(arn, '111111111111');
    directory.put(`${arn}x`, '111111111111');
    directory.remove(`${arn}x`);
    expect(directory.known()).toEqual([arn]);
  });
});
