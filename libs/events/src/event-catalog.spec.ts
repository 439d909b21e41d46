import { EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** docs/events.md is what subscribers read: it must name every topic and every type of the contracts. */
describe('docs/events.md', () => {
  const catalog = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'events.md'), 'utf8');
  const documentedTypes = [...catalog.matchAll(/^\| `(rekey\.[a-z-]+\.[A-Za-z]+)` \|/gm)].map((m) => m[1]);

  it('lists exactly the event types of the contracts', () => {
    const contractTypes = Object.values(EVENT_TYPES).flatMap((types) => Object.values(types));
    expect([...documentedTypes].sort()).toEqual([...contractTypes].sort());
  });

  it('lists every topic', () => {
    for (const topic of Object.values(TOPICS)) expect(catalog).toContain(`| \`${topic}\` |`);
  });

  it('documents every field of the shared payload types', () => {
    for (const field of ['tenant', 'resourceType', 'resourceId', 'resourceArn', 'chimeAccountId', 'clientMode', 'thingName', 'generation', 'tokens', 'rotatedAt', 'roomArn', 'userId', 'capabilities', 'sessionExpirationTime', 'tokenExpirationTime', 'fingerprint']) {
      expect(catalog).toContain(`| \`${field}\` |`);
    }
  });
});
