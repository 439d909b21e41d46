import { Keyring } from '@rekey/tokens';
import { keysetPage, KeysetOrder, readKeysetCursor } from './keyset-pagination';
import { PaginationTokens } from './pagination-tokens';

const row = (id: string, ms: number) => ({ id, createdAt: new Date(ms) });
const cursorOf = (r: { id: string; createdAt: Date }) => ({ at: r.createdAt.getTime(), id: r.id });

describe('keyset pagination', () => {
  const tokens = new PaginationTokens(Keyring.dev());
  const tenant = '111111111111';
  const scope = 'ListBots\0acc';

  it('cuts limit + 1 rows into a page whose NextToken resumes at its last row', () => {
    const rows = [row('a', 1), row('b', 1), row('c', 2)];
    expect(keysetPage(tokens, rows, 3, tenant, scope, cursorOf)).toEqual({ items: rows });
    const page = keysetPage(tokens, rows, 2, tenant, scope, cursorOf);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(readKeysetCursor(tokens, page.nextToken, tenant, scope)).toEqual({ at: 1, id: 'b' });
  });

  it('resumes after the cursor in either direction, the id breaking ties of equal times', () => {
    const ascending = new KeysetOrder('createdAt', '_id', 1);
    expect(ascending.sort).toEqual({ createdAt: 1, _id: 1 });
    expect(ascending.after(undefined)).toEqual({});
    expect(ascending.after({ at: 5, id: 'b' })).toEqual({ $or: [{ createdAt: { $gt: new Date(5) } }, { createdAt: new Date(5), _id: { $gt: 'b' } }] });
    const descending = new KeysetOrder('updateTime', 'roomId', -1);
    expect(descending.sort).toEqual({ updateTime: -1, roomId: -1 });
    expect(descending.after({ at: 5, id: 'b' })).toEqual({ $or: [{ updateTime: { $lt: new Date(5) } }, { updateTime: new Date(5), roomId: { $lt: 'b' } }] });
  });

  it('refuses a NextToken of another tenant or listing', () => {
    const { nextToken } = keysetPage(tokens, [row('a', 7), row('b', 8)], 1, tenant, scope, cursorOf);
    expect(() => readKeysetCursor(tokens, nextToken, '222222222222', scope)).toThrow('Invalid NextToken');
    expect(() => readKeysetCursor(tokens, nextToken, tenant, 'ListBots\0other')).toThrow('Invalid NextToken');
    expect(readKeysetCursor(tokens, undefined, tenant, scope)).toBeUndefined();
  });
});
