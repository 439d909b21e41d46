import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { withDeadline } from '../deadline';

/** How long start-up waits for index builds before serving anyway (MongoDB away: readiness says so). */
const INDEX_BUILD_WAIT_MS = 10_000;

/**
 * Resolves once every model's indexes exist. Mongoose builds them in the background after
 * connecting; serving before that lets the first writes race the builds, which loses unique
 * constraints on MongoDB and makes mongo-java-server fail the insert outright.
 */
export async function indexesBuilt(app: INestApplicationContext): Promise<void> {
  const connection = app.get<Connection>(getConnectionToken(), { strict: false });
  const builds = Promise.all(Object.values(connection.models).map((model) => model.init()));
  await withDeadline(builds, INDEX_BUILD_WAIT_MS).catch(() => undefined);
}
