import { ServiceError } from '@rekey/aws-protocol';
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Bytes at or above this would bias `% 62`: they are drawn again. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** A fresh IVS Chat id (`RoomID`, `ID`): 12 letters or digits from the CSPRNG. */
export function newIvschatId(): string {
  let id = '';
  while (id.length < 12) {
    for (const byte of randomBytes(16)) {
      if (byte < UNBIASED_LIMIT && id.length < 12) id += ALPHABET[byte % ALPHABET.length];
    }
  }
  return id;
}

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
