// A downstream subscriber, as a team consuming Rekey's events would write it: prints every
// TokenRotated (bots and tunnels) with its resource and generation, with @EventPattern handlers
// served by the Rekey Kafka transport and payloads typed by the contracts.
//   KAFKA_BROKERS=127.0.0.1:9092 npm run subscribe:token-rotated
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, TokenRotatedData, TunnelTokenRotatedData } from '@rekey/contracts';
import { EventContext, EventSubscription, KafkaEventTransport, MemoryProcessedEvents } from '@rekey/events';
import { HandlerErrorsToTransport } from '@rekey/platform';
import { Kafka, logLevel } from 'kafkajs';

const subscription = {
  group: process.env.GROUP_ID ?? 'print-token-rotated',
  fromBeginning: process.env.FROM_BEGINNING === 'true',
} satisfies EventSubscription;

function print(data: TokenRotatedData, context: EventContext): void {
  const tokens = data.tokens.map((t) => `${t.kind}=${t.fingerprint}`).join(' ');
  process.stdout.write(`${data.rotatedAt} ${data.resourceType} ${data.resourceId} tenant=${context.tenant} generation=${data.generation} ${tokens}\n`);
}

@Controller()
class TokenRotatedPrinter {
  @EventPattern(EVENT_TYPES.bots.TokenRotated, subscription)
  botRotated(@Payload() data: TokenRotatedData, @Ctx() context: EventContext): void {
    print(data, context);
  }

  @EventPattern(EVENT_TYPES.tunnels.TokenRotated, subscription)
  tunnelRotated(@Payload() data: TunnelTokenRotatedData, @Ctx() context: EventContext): void {
    print(data, context);
  }
}

@Module({ controllers: [TokenRotatedPrinter] })
class PrinterModule {}

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'print-token-rotated', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.WARN });
  // No database: de-duplication in memory.
  const strategy = new KafkaEventTransport(kafka, new MemoryProcessedEvents());
  const app = await NestFactory.createMicroservice(PrinterModule, { strategy, logger: ['warn', 'error'] });
  app.useGlobalFilters(new HandlerErrorsToTransport());
  app.enableShutdownHooks();
  await app.listen();
}

void main();
