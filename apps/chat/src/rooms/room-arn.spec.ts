import { roomArn, roomIdOf, roomNotFound } from './room-arn';

describe('room ids and ARNs', () => {
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
