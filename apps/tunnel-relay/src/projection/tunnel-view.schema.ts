import { Schema } from 'mongoose';

/** Mongoose model name (collection `tunnels` of the relay's own database). */
export const TUNNEL_VIEW_MODEL = 'TunnelView';

/**
 * The relay's view of one tunnel, built from rekey.tunnels.v1 alone (`_id` = tunnel id). Tokens are
 * never stored: per mode the verifier (SHA-256 hex) of the current token and, once a client used
 * it, who did (`c:<client-token>`, or `u:<random>` for a client without one).
 */
export const TunnelViewSchema = new Schema(
  {
    _id: { type: String, required: true },
    tenant: { type: String, required: true },
    arn: { type: String, required: true },
    state: { type: String, required: true, enum: ['OPEN', 'CLOSED', 'DELETED'] },
    expiresAt: { type: Date, required: true },
    services: { type: [String], default: [] },
    thingName: String,
    generation: { type: Number, required: true },
    sourceVerifier: String,
    destinationVerifier: String,
    sourceUsedBy: String,
    destinationUsedBy: String,
  },
  { collection: 'tunnels', versionKey: false },
);

// Admission finds a tunnel by the verifier of the presented token.
TunnelViewSchema.index({ sourceVerifier: 1 });
TunnelViewSchema.index({ destinationVerifier: 1 });
