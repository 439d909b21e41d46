import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { AccountsService } from '../accounts/accounts.service';
import { OutboundModule } from '../outbound/outbound.module';
import { BOT_MODEL, botSchema } from './bot.schema';
import { BotsController } from './bots.controller';
import { BotsRepository } from './bots.repository';
import { BotsService } from './bots.service';
import { SecurityTokens } from './security-tokens';

/** Chime bots, which live in accounts: the members of an account (AccountMembers), registered with AccountsService. */
@Module({
  imports: [MongooseModule.forFeature([{ name: BOT_MODEL, schema: botSchema }]), AccountsModule, OutboundModule],
  controllers: [BotsController],
  providers: [BotsRepository, BotsService, SecurityTokens],
  exports: [BotsService],
})
export class BotsModule implements OnModuleInit {
  constructor(
    private readonly accounts: AccountsService,
    private readonly bots: BotsService,
  ) {}

  onModuleInit(): void {
    this.accounts.admitMembers(this.bots);
  }
}
