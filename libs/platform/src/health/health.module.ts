import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka.health';
import { MongoHealthIndicator } from './mongo.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [KafkaHealthIndicator, MongoHealthIndicator],
})
export class HealthModule {}
