import { Inject, Injectable } from '@nestjs/common';
import { EventProducer } from './event-producer';
import { RekeyEvent } from './event';
import { EVENTS_TOPIC } from './events.tokens';

/** Direct publishing for paths with no state to write: resolves once Kafka acknowledged (acks=all). */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly producer: EventProducer,
    @Inject(EVENTS_TOPIC) private readonly topic: string,
  ) {}

  publish(event: RekeyEvent): Promise<void> {
    return this.producer.send(this.topic, [event]);
  }
}
