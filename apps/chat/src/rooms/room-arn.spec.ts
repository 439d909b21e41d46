import { newIvschatId, roomArn, roomIdOf, roomNotFound } from './room-arn';

describe('room ids and ARNs', () => {
  it('draws 12-character alphanumeric ids that do not repeat and use the whole alphabet', () => {
    const ids = Array.from({ length: 2000 }, () => newIvschatId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
    const characters = new Set(ids.join(''));
    expect(characters.size).toBe(62);
  });

  it('builds the ARN AWS issues and reads the id back from it', () => {
    const arn = roomArn('eu-west-1', '111111111111', 'AbCdEf123456');
    expect(arn).toBe('arn:aws:ivschat:eu-west-1:111111111111:room/AbCdEf123456');
    expect(roomIdOf(arn)).toBe('AbCdEf123456');
  });

  it('names the room in ResourceNotFoundException as the model requires', () => {
    const error = roomNotFound('arn:aws:ivschat:us-east-1:111111111111:room/AbCdEf123456');
    expect(error.kind).toBe('NotFound');
    expect(error.details).toEqual({ resourceId: 'AbCdEf123456', resourceType: 'ROOM' });
  });
});
