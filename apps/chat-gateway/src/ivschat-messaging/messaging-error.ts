/**
 * The `ERROR` codes of the messaging API (IVS Chat messaging API reference, "Error messages"; the
 * official client's `chatErrorCodes`). 401 makes the client reconnect with a fresh token.
 */
export type MessagingErrorCode = 400 | 401 | 403 | 404 | 406 | 413 | 429 | 500;

/** A refused request, answered with an `ERROR` entity carrying the request's `RequestId`. */
export class MessagingError extends Error {
  constructor(
    readonly code: MessagingErrorCode,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}
