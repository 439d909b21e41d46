import { Injectable } from '@nestjs/common';
import { ChatConnection } from './chat-connection';

const NONE: ReadonlySet<ChatConnection> = new Set();

/** The connections open on this replica, by room. */
@Injectable()
export class ConnectionRegistry {
  private readonly rooms = new Map<string, Set<ChatConnection>>();
  private count = 0;

  add(connection: ChatConnection): void {
    let room = this.rooms.get(connection.roomArn);
    if (!room) this.rooms.set(connection.roomArn, (room = new Set()));
    room.add(connection);
    this.count += 1;
  }

  remove(connection: ChatConnection): void {
    const room = this.rooms.get(connection.roomArn);
    if (!room?.delete(connection)) return;
    this.count -= 1;
    if (room.size === 0) this.rooms.delete(connection.roomArn);
  }

  /** The room's live set (no copy per fan-out): iterate it at once, never across an await. */
  inRoom(roomArn: string): ReadonlySet<ChatConnection> {
    return this.rooms.get(roomArn) ?? NONE;
  }

  all(): ChatConnection[] {
    return [...this.rooms.values()].flatMap((room) => [...room]);
  }

  get size(): number {
    return this.count;
  }
}
