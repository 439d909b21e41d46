import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PeerMode } from '@rekey/contracts';
import { driverCollection, isDuplicateKey } from '@rekey/events';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { TunnelView, usedByField, verifierField } from './tunnel-view';
import { TUNNEL_VIEW_MODEL } from './tunnel-view.schema';

type StoredView = Omit<TunnelView, 'id'> & { _id: string };

function toView({ _id, ...rest }: StoredView): TunnelView {
  return { id: _id, ...rest };
}

/** The only code that touches the projection's `tunnels` collection. */
@Injectable()
export class TunnelViewsRepository {
  private readonly views: Collection<StoredView>;

  constructor(@InjectModel(TUNNEL_VIEW_MODEL) model: Model<StoredView>) {
    this.views = driverCollection<StoredView>(model);
  }

  /** Records an opened tunnel once; a redelivery or a view already moved past generation 1 is left alone. */
  async insertOpened(view: TunnelView): Promise<void> {
    const { id, ...rest } = view;
    try {
      const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
      await this.views.insertOne({ _id: id, ...defined } as StoredView);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** New verifiers for the rotated modes (their use markers cleared), unless a newer generation is already applied. */
  async applyRotation(tunnelId: string, generation: number, verifiers: Partial<Record<PeerMode, string>>): Promise<void> {
    const set: Record<string, unknown> = { generation };
    const unset: Record<string, ''> = {};
    for (const [mode, verifier] of Object.entries(verifiers) as Array<[PeerMode, string]>) {
      set[verifierField(mode)] = verifier;
      unset[usedByField(mode)] = '';
    }
    await this.views.updateOne({ _id: tunnelId, generation: { $lt: generation } }, { $set: set, $unset: unset });
  }

  async markClosed(tunnelId: string, deleted: boolean): Promise<void> {
    await this.views.updateOne({ _id: tunnelId }, { $set: { state: deleted ? 'DELETED' : 'CLOSED' } });
  }

  async findByVerifier(mode: PeerMode, verifier: string): Promise<TunnelView | undefined> {
    const found = await this.views.findOne({ [verifierField(mode)]: verifier });
    return found ? toView(found) : undefined;
  }

  async findById(tunnelId: string): Promise<TunnelView | undefined> {
    const found = await this.views.findOne({ _id: tunnelId });
    return found ? toView(found) : undefined;
  }

  /**
   * Compare-and-set of a mode's use marker: succeeds only if the token is still current and its
   * marker is still `expected` (undefined = never used).
   */
  async claimUse(tunnelId: string, mode: PeerMode, verifier: string, expected: string | undefined, marker: string): Promise<boolean> {
    const field = usedByField(mode);
    const result = await this.views.updateOne(
      { _id: tunnelId, [verifierField(mode)]: verifier, [field]: expected === undefined ? { $exists: false } : expected },
      { $set: { [field]: marker } },
    );
    return result.modifiedCount === 1 || (result.matchedCount === 1 && expected === marker);
  }
}
