import { RoomEventData } from '@rekey/contracts';

/** What the gateway needs of a room: whose it is and its limits. */
export interface RoomLimits {
  arn: string;
  tenant: string;
  /** In code points. */
  maximumMessageLength: number;
  maximumMessageRatePerSecond: number;
  /** ISO 8601: a change older than what is known is ignored. */
  updateTime: string;
}

/** The room of a room event, as the directory keeps it. */
export const roomLimitsOf = (data: RoomEventData): RoomLimits => ({
  arn: data.arn,
  tenant: data.tenant,
  maximumMessageLength: data.maximumMessageLength,
  maximumMessageRatePerSecond: data.maximumMessageRatePerSecond,
  updateTime: data.updateTime,
});

/**
 * Live rooms by ARN, with their limits. Deletion is final (room ids are never reused), so deleted
 * ARNs are remembered: a load or a late event racing with the deletion never brings a room back,
 * and an older update never overwrites a newer one.
 */
export class RoomDirectory {
  private readonly rooms = new Map<string, RoomLimits>();
  private readonly deleted = new Set<string>();

  put(room: RoomLimits): void {
    if (this.deleted.has(room.arn)) return;
    const known = this.rooms.get(room.arn);
    if (known && known.updateTime > room.updateTime) return;
    this.rooms.set(room.arn, room);
  }

  remove(arn: string): void {
    this.deleted.add(arn);
    this.rooms.delete(arn);
  }

  isDeleted(arn: string): boolean {
    return this.deleted.has(arn);
  }

  /** The live room, whoever owns it; undefined when deleted or not known. */
  get(arn: string): RoomLimits | undefined {
    return this.rooms.get(arn);
  }
}
