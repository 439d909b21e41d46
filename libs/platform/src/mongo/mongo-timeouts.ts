import type { MongooseModuleOptions } from '@nestjs/mongoose';

/**
 * The driver's timeouts, tuned so that a database that is stopped or stalled (SIGSTOP, a network
 * partition) costs a request under a second, and its return is noticed within a second or two:
 * - every operation has a 600 ms deadline (`timeoutMS`, the driver's client-side operation timeout:
 *   server selection, connection checkout and the round trip together); these apps' operations take
 *   milliseconds, so only a database in trouble reaches it;
 * - server selection gives up after 400 ms when no server is known to be up (stopped database), and
 *   a socket silent for 600 ms is closed (stalled database: the connection stays open, mute);
 * - the monitor checks the server every second, so that a stalled or returned server is seen at once.
 * Operations are not queued while the database is away (`bufferCommands: false`): callers fail fast
 * and the API answers its 503 (see {@link isDatabaseUnavailable}).
 */
export const MONGO_TIMEOUTS = {
  timeoutMS: 600,
  serverSelectionTimeoutMS: 400,
  connectTimeoutMS: 400,
  socketTimeoutMS: 600,
  heartbeatFrequencyMS: 1_000,
} as const;

/** Connection options of every app's MongoDB connection. */
export const MONGO_CONNECTION_OPTIONS: MongooseModuleOptions = { ...MONGO_TIMEOUTS, bufferCommands: false };

/** Errors of the driver (and of mongoose around it) that mean "the database cannot be reached now", not a bug. */
const UNAVAILABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoOperationTimeoutError',
  'MongoWaitQueueTimeoutError',
]);

/** Whether an error says the database is stopped, stalled or unreachable (the API answers 503: retry), rather than a bug (500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_ERRORS.has(error.name) || UNAVAILABLE_ERRORS.has(error.constructor.name)) return true;
  // With bufferCommands off, mongoose refuses operations on a connection that is not (yet, again) open.
  return error.name === 'MongooseError' && /before initial connection is complete|Connection was force closed|Client must be connected/.test(error.message);
}
