import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { withDeadline } from '../deadline';

const CHECK_TIMEOUT_MS = 1_000;

/**
 * Ready when the database answers a `ping` within the check timeout. A real round trip: terminus's
 * own Mongoose check only reads the connection state, which stays "connected" for many seconds
 * while the server is stalled.
 */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async isAnswering(key = 'mongo') {
    const check = this.indicator.check(key);
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected');
      await withDeadline(db.command({ ping: 1 }), CHECK_TIMEOUT_MS);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
