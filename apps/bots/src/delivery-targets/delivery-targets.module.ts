import { Module, OnModuleInit } from '@nestjs/common';
import { BotsModule } from '../bots/bots.module';
import { BotsService } from '../bots/bots.service';
import { BotChangesController } from './bot-changes.controller';
import { DeliveryTargetReads } from './delivery-target-reads';
import { DeliveryTargets } from './delivery-targets';

/** The bots' state delivery attempts sign and send with, kept in memory and fresh by the bots' own changes. */
@Module({
  imports: [BotsModule],
  controllers: [BotChangesController],
  providers: [DeliveryTargetReads, DeliveryTargets],
  exports: [DeliveryTargets],
})
export class DeliveryTargetsModule implements OnModuleInit {
  constructor(
    private readonly bots: BotsService,
    private readonly targets: DeliveryTargets,
  ) {}

  onModuleInit(): void {
    this.bots.observeChanges(this.targets);
  }
}
