import type { MongooseModuleOptions } from '@nestjs/mongoose';

/**
 * The driver's timeouts, tuned so that a database that is stopped or stalled (SIGSTOP, a network
 * partition) costs a request under a second, and its return is noticed within a second or two:
 * - server selection gives up after 400 ms when no server is known to be up (stopped database);
 * - a socket silent for 700 ms is closed, failing the operation on it (stalled database: the
 *   connection stays open, mute); these apps' operations take milliseconds, so only a database in
 *   trouble gets there;
 * - a new connection's handshake gets the same 700 ms, and so does the monitor's heartbeat (the
 *   driver uses `connectTimeoutMS` for both): one threshold for "silent too long". A heartbeat
 *   that times out marks the server unknown and interrupts every operation in flight; with 400 ms
 *   there, a pause that every operation survived (the host busy while a Kafka restarted on the
 *   same cores) failed all the requests in flight with 503s;
 * - reads are not retried: a retry would first wait out another server selection, doubling the wait
 *   (the SDKs retry the 503 themselves);
 * - the monitor checks the server every second, so that a stalled or returned server is seen at once.
 * Not the driver's `timeoutMS`: it also refuses operations outright whenever the measured round
 * trip time exceeds it, which a busy 2-core host reaches under load with a healthy database.
 * Operations are not queued while the database is away (`bufferCommands: false`): callers fail fast
 * and the API answers its 503 (see {@link isDatabaseUnavailable}).
 */
export const MONGO_TIMEOUTS = {
  serverSelectionTimeoutMS: 400,
  connectTimeoutMS: 700,
  socketTimeoutMS: 700,
  heartbeatFrequencyMS: 1_000,
  retryReads: false,
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
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoOperationTimeoutError',
  'MongoWaitQueueTimeoutError',
]);

/** Whether an error says the database is stopped, stalled or unreachable (the API answers 503: retry), rather than a bug (500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_ERRORS.has(error.name) || UNAVAILABLE_ERRORS.has(error.constructor.name)) return true;
  if (error.cause !== undefined && isDatabaseUnavailable(error.cause)) return true;
  // With bufferCommands off, mongoose refuses operations on a connection that is not (yet, again) open.
  return error.name === 'MongooseError' && /before initial connection is complete|Connection was force closed|Client must be connected/.test(error.message);
}
