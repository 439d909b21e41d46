import { forwardRef, Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@rekey/events';
import { AccountsModule } from '../accounts/accounts.module';
import { OutboundModule } from '../outbound/outbound.module';
import { BOT_MODEL, botSchema } from './bot.schema';
import { BotsController } from './bots.controller';
import { BotsRepository } from './bots.repository';
import { BotsService } from './bots.service';
import { SecurityTokens } from './security-tokens';

/** Chime bots, which live in accounts (see AccountsModule for the forward reference). */
@Module({
  imports: [MongooseModule.forFeature([{ name: BOT_MODEL, schema: botSchema }]), forwardRef(() => AccountsModule), OutboundModule],
  controllers: [BotsController],
  providers: [BotsRepository, BotsService, SecurityTokens],
  exports: [BotsService],
})
export class BotsModule implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly repository: BotsRepository,
  ) {}

  onModuleInit(): void {
    this.relay.watch(this.repository.model);
  }
}
