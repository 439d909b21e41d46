import { createHmac } from 'node:crypto';
import { chimeSignature, chimeTimestamp, signedHeaders } from './chime-signature';

describe('Chime-Signature', () => {
  // data-plane-notes.md §3: the docs' Java sample, Node crypto and `openssl dgst -sha256 -hmac` agree on this vector.
  const token = 'securityToken-EXAMPLE';
  const timestamp = '2019-04-04T21:30:43.181Z';
  const body =
    '{"Sender":{"SenderId":"user@example.com","SenderIdType":"EmailId"},"Discussion":{"DiscussionId":"abcdef12-g34h-56i7-j8kl-mn9opqr012st","DiscussionType":"Room"},"EventType":"Remove","EventTimestamp":"2019-04-04T21:27:29.626Z"}';

  it('reproduces the documented test vector byte for byte', () => {
    expect(chimeSignature(token, timestamp, body)).toBe('2OT2Ix66sUIRz7iMo+Qh5wLo6Qgfupt/fiuSq1X5SjQ=');
  });

  it('keys with the UTF-8 token and signs the UTF-8 timestamp|body, so non-ASCII bodies verify too', () => {
    const unicode = '{"Message":"héllo ✓"}';
    const expected = createHmac('sha256', Buffer.from(token, 'utf8')).update(Buffer.from(`${timestamp}|${unicode}`, 'utf8')).digest('base64');
    expect(chimeSignature(token, timestamp, unicode)).toBe(expected);
  });

  it('writes the timestamp as ISO 8601 UTC with milliseconds and signs each call with its own', () => {
    expect(chimeTimestamp(new Date(Date.UTC(2019, 3, 4, 21, 30, 43, 181)))).toBe(timestamp);
    const first = signedHeaders(token, body, new Date(1_000));
    const second = signedHeaders(token, body, new Date(1_200));
    expect(first['Chime-Request-Timestamp']).toBe('1970-01-01T00:00:01.000Z');
    expect(first['Chime-Signature']).toBe(chimeSignature(token, '1970-01-01T00:00:01.000Z', body));
    expect(second['Chime-Signature']).not.toBe(first['Chime-Signature']);
  });
});
