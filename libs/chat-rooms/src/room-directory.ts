/** What a room directory keeps of a room: its ARN and tenant, and whatever else its user needs. */
export interface DirectoryRoom {
  arn: string;
  tenant: string;
  /** ISO 8601; when given, a change older than the one known is ignored. */
  updateTime?: string;
}

/**
 * The one in-memory projection of IVS Chat rooms (by ARN), shared by the chat app's room cache
 * and the chat gateway's room projection, both fed by the room events of `rekey.chat.v1` and a
 * load from their database. Deletion is final (room ids are never reused), so deleted ARNs are
 * remembered: a load or a late event racing with the deletion never brings a room back, and an
 * older update never overwrites a newer one.
 */
export class RoomDirectory<T extends DirectoryRoom = DirectoryRoom> {
  private readonly rooms = new Map<string, T>();
  private readonly deleted = new Set<string>();

  /** A room created, changed or loaded. */
  put(room: T): void {
    if (this.deleted.has(room.arn)) return;
    const known = this.rooms.get(room.arn);
    if (known?.updateTime && room.updateTime && known.updateTime > room.updateTime) return;
    this.rooms.set(room.arn, room);
  }

  /** A room deleted: it never comes back. */
  remove(arn: string): void {
    this.deleted.add(arn);
    this.rooms.delete(arn);
  }

  isDeleted(arn: string): boolean {
    return this.deleted.has(arn);
  }

  /** The live room, whoever owns it; undefined when deleted or not known. */
  get(arn: string): T | undefined {
    return this.rooms.get(arn);
  }

  /** The ARNs of the live rooms it knows. */
  known(): string[] {
    return [...this.rooms.keys()];
  }

  /** true / false when known (another tenant's room counts as absent), undefined when not known. */
  lookup(tenant: string, arn: string): boolean | undefined {
    if (this.deleted.has(arn)) return false;
    const room = this.rooms.get(arn);
    return room === undefined ? undefined : room.tenant === tenant;
  }
}
