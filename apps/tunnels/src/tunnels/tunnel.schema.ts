import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

/** Mongoose model name (collection `tunnels`), owned by the tunnels app alone. */
export const TUNNEL_MODEL = 'Tunnel';

const connectionState = new Schema({ status: String, lastUpdatedAt: Date }, { _id: false });

/**
 * One document per tunnel, `_id` = tunnel id. Access tokens are never stored: only the SHA-256
 * (hex) of the current token of each mode, replaced in place by a rotation.
 */
export const TunnelSchema = withOutbox(
  new Schema(
    {
      _id: { type: String, required: true },
      tenant: { type: String, required: true },
      arn: { type: String, required: true },
      state: { type: String, required: true, enum: ['PENDING', 'OPEN', 'CLOSED'] },
      description: String,
      destinationConfig: {
        type: new Schema({ thingName: String, services: { type: [String], default: undefined } }, { _id: false }),
        default: undefined,
      },
      lifetimeMinutes: { type: Number, required: true },
      createdAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
      lastUpdatedAt: { type: Date, required: true },
      closedAt: Date,
      closeReason: String,
      tags: { type: [new Schema({ key: String, value: String }, { _id: false })], default: [] },
      tagsRevision: { type: Number, required: true },
      sourceTokenHash: { type: String, required: true },
      destinationTokenHash: { type: String, required: true },
      generation: { type: Number, required: true },
      sourceConnectionState: connectionState,
      destinationConnectionState: connectionState,
    },
    { collection: 'tunnels', versionKey: false },
  ),
);

// ListTunnels (newest first, optionally by thing) and the open-tunnel count, per tenant.
TunnelSchema.index({ tenant: 1, createdAt: -1, _id: -1 });
TunnelSchema.index({ tenant: 1, 'destinationConfig.thingName': 1, createdAt: -1 });
TunnelSchema.index({ tenant: 1, state: 1, expiresAt: 1 });
// The sweeper: open tunnels past their end of life, all tenants.
TunnelSchema.index({ state: 1, expiresAt: 1 });
