import { forwardRef, Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@rekey/events';
import { BotsModule } from '../bots/bots.module';
import { ACCOUNT_MODEL, accountSchema } from './account.schema';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

/**
 * Chime accounts. Accounts and bots need each other (a bot lives only in a live account; deleting
 * an account deletes its bots), hence the forward reference between the two modules.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: ACCOUNT_MODEL, schema: accountSchema }]), forwardRef(() => BotsModule)],
  controllers: [AccountsController],
  providers: [AccountsRepository, AccountsService],
  exports: [AccountsRepository],
})
export class AccountsModule implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly repository: AccountsRepository,
  ) {}

  onModuleInit(): void {
    this.relay.watch(this.repository.model);
  }
}
