import { Module, OnModuleInit } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@rekey/events';
import type { Model } from 'mongoose';
import { REVOCATION_MODEL, RevocationDocument, revocationSchema } from './revocation.schema';
import { RevocationsRepository } from './revocations.repository';

/** Revocation records of deleted rooms and disconnected users, for the messaging gateway. */
@Module({
  imports: [MongooseModule.forFeature([{ name: REVOCATION_MODEL, schema: revocationSchema }])],
  providers: [RevocationsRepository],
  exports: [RevocationsRepository],
})
export class RevocationsModule implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    @InjectModel(REVOCATION_MODEL) private readonly model: Model<RevocationDocument>,
  ) {}

  onModuleInit(): void {
    this.relay.watch(this.model);
  }
}
