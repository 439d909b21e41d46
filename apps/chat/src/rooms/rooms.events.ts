import { EVENT_TYPES, RoomEventData } from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';
import { RoomRecord, roomView } from './room.view';

type RoomChange = keyof Pick<typeof EVENT_TYPES.chat, 'RoomCreated' | 'RoomUpdated' | 'RoomDeleted'>;

/** `rekey.chat.RoomCreated` / `RoomUpdated` / `RoomDeleted`, keyed by the room ARN, carrying the room. */
export function roomEvent(change: RoomChange, room: RoomRecord): RekeyEvent<RoomEventData> {
  return newEvent('chat', {
    type: EVENT_TYPES.chat[change],
    subject: room.arn,
    tenant: room.tenant,
    key: room.arn,
    data: { tenant: room.tenant, ...roomView(room) },
  });
}
