import { MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { isDatabaseUnavailable, MONGO_TIMEOUTS } from './mongo-timeouts';

describe('isDatabaseUnavailable', () => {
  it('recognises a database that is away: no server, a silent socket, a pool cleared because of one', () => {
    expect(isDatabaseUnavailable(new MongoServerSelectionError('Server selection timed out after 400 ms', { error: undefined, servers: new Map() } as never))).toBe(true);
    expect(isDatabaseUnavailable(new MongoNetworkTimeoutError('connection 5 to 127.0.0.1:27017 timed out'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('interrupted'), { name: 'PoolClearedOnNetworkError' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new MongoNetworkTimeoutError('timed out') }))).toBe(true);
  });

  it('leaves bugs and refusals by the server to the 500 path', () => {
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of null (reading 'toLowerCase')"))).toBe(false);
    expect(isDatabaseUnavailable(new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }))).toBe(false);
    expect(isDatabaseUnavailable('a string')).toBe(false);
  });
});

describe('MONGO_TIMEOUTS', () => {
  it('lets the monitor call the database stalled only after a silence no operation would survive, within the 1 s budget of a stalled database', () => {
    // connectTimeoutMS bounds the monitor's heartbeat, whose timeout interrupts every operation in flight.
    expect(MONGO_TIMEOUTS.connectTimeoutMS).toBeGreaterThanOrEqual(MONGO_TIMEOUTS.socketTimeoutMS);
    expect(Math.max(MONGO_TIMEOUTS.connectTimeoutMS, MONGO_TIMEOUTS.socketTimeoutMS, MONGO_TIMEOUTS.serverSelectionTimeoutMS)).toBeLessThan(1_000);
  });
});
