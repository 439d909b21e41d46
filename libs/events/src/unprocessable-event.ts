/**
 * What a handler throws for an event no retry can handle (e.g. a token sealed with a keyring this
 * deployment does not hold): the transport dead-letters it at once, with the message as reason,
 * instead of backing off `maxAttempts` times while the rest of the partition waits.
 */
export class UnprocessableEventError extends Error {}
