import { Injectable } from '@nestjs/common';
import { JoiningReads } from '@rekey/events';
import { BotKey, BotsService, DeliveryTarget } from '../bots/bots.service';

/** Bots read in one round trip at most. */
const MAX_READ = 256;

/**
 * Reads bots from the database for the projection's misses, the misses of all queues draining here
 * sharing reads: one read in flight, the misses that ask meanwhile answered together by the next.
 * A read is made after every miss it answers asked (never joined to one already under way), so it
 * sees every change written before the miss.
 */
@Injectable()
export class DeliveryTargetReads {
  private readonly reads: JoiningReads<BotKey, DeliveryTarget | null>;

  constructor(bots: BotsService) {
    this.reads = new JoiningReads(MAX_READ, (keys) => bots.deliveryTargets(keys));
  }

  /** The bot's state now (token, endpoint, Disabled); null if it does not exist or its account is not live. */
  read(key: BotKey): Promise<DeliveryTarget | null> {
    return this.reads.read(key);
  }
}
