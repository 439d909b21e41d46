import { PaginationTokens } from '@rekey/aws-protocol';
import { Keyring } from '@rekey/tokens';
import { afterCursor, nextToken, readCursor, toPage } from './keyset-pagination';

const row = (id: string, ms: number) => ({ id, createdAt: new Date(ms) });

describe('keyset pagination', () => {
  const tokens = new PaginationTokens(Keyring.dev());

  it('cuts limit + 1 rows into a page and a cursor at its last row', () => {
    const rows = [row('a', 1), row('b', 1), row('c', 2)];
    expect(toPage(rows, 3)).toEqual({ items: rows });
    expect(toPage(rows, 2)).toEqual({ items: rows.slice(0, 2), next: { createdAt: 1, id: 'b' } });
  });

  it('resumes after the cursor, the id breaking ties of equal creation times', () => {
    expect(afterCursor(undefined)).toEqual({});
    expect(afterCursor({ createdAt: 5, id: 'b' })).toEqual({ $or: [{ createdAt: { $gt: new Date(5) } }, { createdAt: new Date(5), _id: { $gt: 'b' } }] });
  });

  it('round-trips the cursor through a NextToken bound to tenant and listing', () => {
    const page = toPage([row('a', 7), row('b', 8)], 1);
    const token = nextToken(tokens, '111111111111', 'ListBots\0acc', page)!;
    expect(readCursor(tokens, '111111111111', 'ListBots\0acc', token)).toEqual({ createdAt: 7, id: 'a' });
    expect(() => readCursor(tokens, '222222222222', 'ListBots\0acc', token)).toThrow('Invalid NextToken');
    expect(() => readCursor(tokens, '111111111111', 'ListBots\0other', token)).toThrow('Invalid NextToken');
    expect(nextToken(tokens, '111111111111', 'ListBots\0acc', toPage([row('a', 7)], 1))).toBeUndefined();
    expect(readCursor(tokens, '111111111111', 'ListBots\0acc', undefined)).toBeUndefined();
  });
});
