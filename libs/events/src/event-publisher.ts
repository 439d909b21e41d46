import { Inject, Injectable } from '@nestjs/common';
import { EventProducer } from './event-producer';
import { EventPlacement, RekeyEvent } from './event';
import { EVENTS_TOPIC } from './events.tokens';

/** Direct publishing for paths with no state to write: resolves once Kafka acknowledged (acks=all), with where it stored the event. */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly producer: EventProducer,
    @Inject(EVENTS_TOPIC) private readonly topic: string,
  ) {}

  async publish(event: RekeyEvent): Promise<EventPlacement> {
    const [placement] = await this.publishAll([event]);
    return placement;
  }

  /** The events in one send, in order. */
  publishAll(events: RekeyEvent[]): Promise<EventPlacement[]> {
    return this.producer.send(this.topic, events);
  }
}
