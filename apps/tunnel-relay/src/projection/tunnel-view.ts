import { PeerMode } from '@rekey/contracts';

/** A tunnel as the relay's projection holds it. */
export interface TunnelView {
  id: string;
  tenant: string;
  arn: string;
  state: 'OPEN' | 'CLOSED' | 'DELETED';
  expiresAt: Date;
  services: string[];
  thingName?: string;
  generation: number;
  sourceVerifier?: string;
  destinationVerifier?: string;
  sourceUsedBy?: string;
  destinationUsedBy?: string;
}

/** Field names of a mode's token verifier and use marker. */
export const verifierField = (mode: PeerMode) => (mode === 'SOURCE' ? 'sourceVerifier' : 'destinationVerifier');
export const usedByField = (mode: PeerMode) => (mode === 'SOURCE' ? 'sourceUsedBy' : 'destinationUsedBy');

/** Open and not past its end of life. */
export function isLive(view: Pick<TunnelView, 'state' | 'expiresAt'>, now: Date): boolean {
  return view.state === 'OPEN' && now.getTime() < view.expiresAt.getTime();
}
