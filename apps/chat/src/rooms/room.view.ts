import { FallbackResult, RoomSummaryView, RoomView } from '@rekey/contracts';

/** A room as the repository returns it: plain data, tags as a map. */
export interface RoomRecord {
  arn: string;
  tenant: string;
  id: string;
  name: string;
  maximumMessageRatePerSecond: number;
  maximumMessageLength: number;
  messageReviewHandler?: { uri: string; fallbackResult: FallbackResult };
  tags: Record<string, string>;
  loggingConfigurationIdentifiers: string[];
  createTime: Date;
  updateTime: Date;
  revision: number;
}

/** The room as CreateRoom, GetRoom and UpdateRoom answer it (and as room events carry it). */
export function roomView(room: RoomRecord): RoomView {
  return {
    arn: room.arn,
    id: room.id,
    name: room.name,
    createTime: room.createTime.toISOString(),
    updateTime: room.updateTime.toISOString(),
    maximumMessageRatePerSecond: room.maximumMessageRatePerSecond,
    maximumMessageLength: room.maximumMessageLength,
    ...(room.messageReviewHandler ? { messageReviewHandler: { ...room.messageReviewHandler } } : {}),
    tags: { ...room.tags },
    loggingConfigurationIdentifiers: [...room.loggingConfigurationIdentifiers],
  };
}

/** ListRooms entry. */
export function roomSummary(room: RoomRecord): RoomSummaryView {
  const { arn, id, name, messageReviewHandler, createTime, updateTime, tags, loggingConfigurationIdentifiers } = roomView(room);
  return { arn, id, name, ...(messageReviewHandler ? { messageReviewHandler } : {}), createTime, updateTime, tags, loggingConfigurationIdentifiers };
}
