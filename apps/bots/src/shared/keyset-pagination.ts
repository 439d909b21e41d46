import { PaginationTokens } from '@rekey/aws-protocol';
import type { FilterQuery } from 'mongoose';

/** Where a listing ordered by creation time, then id, resumes. */
export interface KeysetCursor {
  createdAt: number;
  id: string;
}

/** The sort every listing of this app uses: oldest first, id as the tie-breaker. */
export const KEYSET_SORT = { createdAt: 1, _id: 1 } as const;

/** Filter fragment selecting what comes after `cursor` in {@link KEYSET_SORT} order. */
export function afterCursor<T>(cursor: KeysetCursor | undefined): FilterQuery<T> {
  if (!cursor) return {};
  const at = new Date(cursor.createdAt);
  return { $or: [{ createdAt: { $gt: at } }, { createdAt: at, _id: { $gt: cursor.id } }] } as FilterQuery<T>;
}

/** One page of a listing and where the next one starts. */
export interface Page<T> {
  items: T[];
  next?: KeysetCursor;
}

/** Cuts `limit + 1` rows read in {@link KEYSET_SORT} order into a page: the extra row only says that more follow. */
export function toPage<T extends { id: string; createdAt: Date }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: { createdAt: last.createdAt.getTime(), id: last.id } };
}

/** Reads a listing's `NextToken` (tenant- and scope-bound), or none. */
export function readCursor(tokens: PaginationTokens, tenant: string, scope: string, nextToken: string | undefined): KeysetCursor | undefined {
  if (nextToken === undefined) return undefined;
  const cursor = tokens.read<Record<string, unknown>>(nextToken, tenant, scope);
  return { createdAt: Number(cursor.createdAt), id: String(cursor.id) };
}

/** The `NextToken` of a page, or undefined on the last page. */
export function nextToken(tokens: PaginationTokens, tenant: string, scope: string, page: Page<unknown>): string | undefined {
  return page.next ? tokens.issue(tenant, scope, { ...page.next }) : undefined;
}
