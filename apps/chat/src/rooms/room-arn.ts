import { ServiceError } from '@rekey/aws-protocol';

export function roomArn(region: string, tenant: string, roomId: string): string {
  return `arn:aws:ivschat:${region}:${tenant}:room/${roomId}`;
}

/** The id part of a room ARN (what ResourceNotFoundException names as `resourceId`). */
export function roomIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The error for a room that does not exist, is deleted or belongs to another tenant: all look the same. */
export function roomNotFound(arn: string): ServiceError {
  return new ServiceError('NotFound', `Room ${arn} not found`, { resourceId: roomIdOf(arn), resourceType: 'ROOM' });
}
