import { PaginationTokens } from './pagination-tokens';

/** Where a listing resumes: the ordering time (epoch ms) and the id of the last item returned. */
export interface KeysetCursor {
  at: number;
  id: string;
}

/** One page of a listing, and the `NextToken` of the next one (none on the last page). */
export interface KeysetPage<T> {
  items: T[];
  nextToken?: string;
}

/**
 * A listing's order for keyset paging: a date field, then an id field as the tie-breaker, both
 * ascending or both descending. A page's query is `{ ...filter, ...order.after(cursor) }` sorted by
 * `order.sort`, reading `limit + 1` documents so that {@link keysetPage} knows whether more follow.
 */
export class KeysetOrder {
  readonly sort: Record<string, 1 | -1>;

  constructor(
    private readonly atField: string,
    private readonly idField: string,
    private readonly direction: 1 | -1,
  ) {
    this.sort = { [atField]: direction, [idField]: direction };
  }

  /** Filter fragment selecting what comes after `cursor` in this order (nothing without one). */
  after(cursor: KeysetCursor | undefined): Record<string, unknown> {
    if (!cursor) return {};
    const at = new Date(cursor.at);
    const beyond = this.direction === 1 ? '$gt' : '$lt';
    return { $or: [{ [this.atField]: { [beyond]: at } }, { [this.atField]: at, [this.idField]: { [beyond]: cursor.id } }] };
  }
}

/** The cursor a listing's `NextToken` carries (tenant- and scope-bound, see PaginationTokens), or none. */
export function readKeysetCursor(tokens: PaginationTokens, nextToken: string | undefined, tenant: string, scope: string): KeysetCursor | undefined {
  if (nextToken === undefined) return undefined;
  const cursor = tokens.read<Record<string, unknown>>(nextToken, tenant, scope);
  return { at: Number(cursor.at), id: String(cursor.id) };
}

/** Cuts `limit + 1` rows read in the listing's order into a page: the extra row only says that more follow. */
export function keysetPage<T>(tokens: PaginationTokens, rows: T[], limit: number, tenant: string, scope: string, cursorOf: (row: T) => KeysetCursor): KeysetPage<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextToken: tokens.issue(tenant, scope, { ...cursorOf(items[items.length - 1]) }) };
}
