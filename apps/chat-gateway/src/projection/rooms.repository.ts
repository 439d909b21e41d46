import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { isDuplicateKey } from '@rekey/events';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { RoomLimits } from './room-limits';

interface RoomDocument extends Omit<RoomLimits, 'arn'> {
  _id: string;
  deleted: boolean;
}

/** The gateway's own copy of the rooms (`rooms` in its database), written from `rekey.chat.v1`. */
@Injectable()
export class RoomsRepository implements OnModuleInit {
  private rooms!: Collection<RoomDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.rooms = this.connection.collection<RoomDocument>('rooms');
  }

  /** Creates or updates a live room; a deleted room stays deleted and a newer update wins. */
  async put(room: RoomLimits): Promise<void> {
    const { arn, ...fields } = room;
    try {
      await this.rooms.updateOne({ _id: arn, deleted: false, updateTime: { $lte: room.updateTime } }, { $set: fields, $setOnInsert: { deleted: false } }, { upsert: true });
    } catch (error) {
      // The room exists and is deleted or newer: the filter missed it and the upsert collided.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async remove(room: RoomLimits): Promise<void> {
    const { arn, ...fields } = room;
    await this.rooms.updateOne({ _id: arn }, { $set: { ...fields, deleted: true } }, { upsert: true });
  }

  /** Every room known, deleted ones included (so that a replica learns deletions too). */
  async all(): Promise<Array<RoomLimits & { deleted: boolean }>> {
    const documents = await this.rooms.find({}).toArray();
    return documents.map(({ _id, ...room }) => ({ arn: _id, ...room }));
  }

  async find(arn: string): Promise<(RoomLimits & { deleted: boolean }) | null> {
    const document = await this.rooms.findOne({ _id: arn });
    if (!document) return null;
    const { _id, ...room } = document;
    return { arn: _id, ...room };
  }
}
