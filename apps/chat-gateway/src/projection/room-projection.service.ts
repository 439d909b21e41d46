import { Injectable, Logger } from '@nestjs/common';
import { RoomDirectory } from '@rekey/chat-rooms';
import { RoomEventData } from '@rekey/contracts';
import { TOKEN_LIFETIME_MS } from '@rekey/tokens';
import { setTimeout as sleep } from 'node:timers/promises';
import { RoomLimits, roomLimitsOf } from './room-limits';
import { RoomsRepository } from './rooms.repository';

/** How long a connection for a room not known yet waits for the room's creation event. */
const UNKNOWN_ROOM_WAIT_MS = 1_000;
/** Revocations outlive every token they can concern: a token opens connections for a minute. */
const REVOCATION_KEEP_MS = TOKEN_LIFETIME_MS + 60_000;

/**
 * The gateway's view of the control plane: rooms (tenant, limits) and recent user revocations.
 * Durable in the gateway's database (written by one replica per partition) and in memory on
 * every replica (from a broadcast subscription), loaded from the
 * database at start and every 30 s so that a replica also learns what it missed.
 */
@Injectable()
export class RoomProjection {
  private readonly logger = new Logger(RoomProjection.name);
  private readonly directory = new RoomDirectory<RoomLimits>();
  /** `<roomArn> <userId>` → when its tokens were last revoked (epoch ms). */
  private readonly revocations = new Map<string, number>();

  constructor(private readonly rooms: RoomsRepository) {}

  /** The durable projection: a created or updated room, written to the gateway's database. */
  async persistRoom(room: RoomEventData): Promise<void> {
    await this.rooms.put(roomLimitsOf(room));
  }

  async persistDeletion(room: RoomEventData): Promise<void> {
    await this.rooms.remove(roomLimitsOf(room));
  }

  /** The live view in memory: a created or updated room. */
  applyRoom(room: RoomEventData): void {
    this.directory.put(roomLimitsOf(room));
  }

  applyDeletion(room: RoomEventData): void {
    this.directory.remove(room.arn);
  }

  /** Tokens of `userId` for the room issued at or before `revokedAt` no longer connect. */
  revoke(roomArn: string, userId: string, revokedAt: Date): void {
    const key = `${roomArn} ${userId}`;
    this.revocations.set(key, Math.max(this.revocations.get(key) ?? 0, revokedAt.getTime()));
  }

  isRevoked(roomArn: string, userId: string, issuedAt: Date): boolean {
    const revokedAt = this.revocations.get(`${roomArn} ${userId}`);
    return revokedAt !== undefined && revokedAt >= issuedAt.getTime();
  }

  /** Loads every room from the gateway's database and forgets revocations no token can predate. */
  async load(): Promise<void> {
    for (const room of await this.rooms.all()) {
      if (room.deleted) this.directory.remove(room.arn);
      else this.directory.put(room);
    }
    const oldest = Date.now() - REVOCATION_KEEP_MS;
    for (const [key, revokedAt] of this.revocations) if (revokedAt < oldest) this.revocations.delete(key);
  }

  /** The live room in memory, for a request on an open connection. */
  room(arn: string): RoomLimits | undefined {
    return this.directory.get(arn);
  }

  /**
   * The live room for a new connection: a room not known yet (created a moment ago, its event on
   * its way) is looked up in the database and waited for, briefly.
   */
  async findForConnection(arn: string): Promise<RoomLimits | undefined> {
    const deadline = Date.now() + UNKNOWN_ROOM_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      if (this.directory.isDeleted(arn)) return undefined;
      const known = this.directory.get(arn);
      if (known) return known;
      if (attempt === 0) await this.loadOne(arn);
      else if (Date.now() >= deadline) return undefined;
      else await sleep(50);
    }
  }

  private async loadOne(arn: string): Promise<void> {
    const room = await this.rooms.find(arn);
    if (room?.deleted) this.directory.remove(arn);
    else if (room) this.directory.put(room);
  }

  warnLoadFailure(error: Error): void {
    this.logger.warn(`room projection reload failed: ${error.message}`);
  }
}
