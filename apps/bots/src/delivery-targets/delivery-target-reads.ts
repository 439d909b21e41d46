import { Injectable } from '@nestjs/common';
import { JoiningQueue } from '@rekey/events';
import { BotKey, BotsService, DeliveryTarget } from '../bots/bots.service';

/** Bots read in one round trip at most. */
const MAX_READ = 256;

interface Waiting {
  key: BotKey;
  resolve: (target: DeliveryTarget | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads bots from the database for the projection's misses, the misses of all queues draining here
 * sharing reads: one read in flight, the misses that ask meanwhile answered together by the next.
 * A read is made after every miss it answers asked (never joined to one already under way), so it
 * sees every change written before the miss.
 */
@Injectable()
export class DeliveryTargetReads {
  private readonly reads = new JoiningQueue<Waiting>(MAX_READ, (batch) => this.readMany(batch));

  constructor(private readonly bots: BotsService) {}

  /** The bot's state now (token, endpoint, Disabled); null if it does not exist or its account is not live. */
  read(key: BotKey): Promise<DeliveryTarget | null> {
    return new Promise((resolve, reject) => this.reads.push({ key, resolve, reject }));
  }

  private async readMany(batch: Waiting[]): Promise<void> {
    try {
      const targets = await this.bots.deliveryTargets(batch.map(({ key }) => key));
      batch.forEach(({ resolve }, n) => resolve(targets[n]));
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
