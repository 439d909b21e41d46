import { generateToken, Keyring } from '@rekey/tokens';
import { Agent } from 'node:http';
import { randomUUID } from 'node:crypto';
import { sequential } from '../lib/measure';
import { startApp } from '../lib/processes';
import { Measurement } from '../lib/measure';
import { Row } from '../lib/report';
import { RequestSigner, sendSigned } from '../lib/signed-requests';
import { BenchContext, database, outboxDrained, TENANT } from './context';

export const GROWTH_SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,100000,1000000').split(',').map(Number);
/** Bots of the account the requests address; the rest of the collection belongs to other accounts. */
const MEASURED_BOTS = Math.min(1000, GROWTH_SIZES[0]);
const BOTS_PER_ACCOUNT = 1000;
const BATCH = 2000;
const SAMPLE_SECONDS = Number(process.env.BENCH_GROWTH_SECONDS ?? 4);
const MAX_SAMPLES = 200;
const SECTION = 'Growth';

type Doc = Record<string, unknown> & { _id: string };

/** The documents' own fields, without the outbox's (seeded bots have published everything). */
const withoutOutbox = (doc: Doc) => Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_outbox'))) as Doc;

/**
 * Bots cloned from one the app created, as the bots repository writes them: a fresh id, user id,
 * name, email, creation time and an encrypted security token of their own. The token's associated
 * data is the bots app's (apps/bots/src/bots/security-tokens.ts), with the development keyring the
 * app runs with here; a GetBot of a seeded bot checks that the app serves them.
 */
class BotSeeder {
  private readonly keyring = Keyring.dev();
  private seeded = 0;

  constructor(
    private readonly bot: Doc,
    private readonly account: Doc,
  ) {}

  botOf(accountId: string): Doc {
    const n = this.seeded++;
    const id = randomUUID();
    const at = new Date(Date.parse('2026-01-01T00:00:00Z') + n);
    const associatedData = `chime-bot-security-token\0${TENANT}\0${accountId}\0${id}`;
    return {
      ...this.bot,
      _id: id,
      accountId,
      userId: randomUUID(),
      displayName: `seed${n} (Bot)`,
      botEmail: `seed${n}-chimebot@rekey.invalid`,
      emailKey: `seed${n}-chimebot@rekey.invalid`,
      securityToken: { ciphertext: this.keyring.encrypt(generateToken(30), associatedData), keyId: this.keyring.currentKeyId },
      generation: 1,
      revision: 1,
      createdAt: at,
      updatedAt: at,
    };
  }

  accountOf(n: number): Doc {
    return { ...this.account, _id: randomUUID(), name: `seed-account-${n}` };
  }
}

/**
 * RegenerateSecurityToken and a ListBots page, one call at a time, with 10^3, 10^5 and 10^6 bots
 * stored: bots inserted in bulk with the raw driver (insertMany) into the bots app's own database.
 */
export async function growthRows(context: BenchContext): Promise<{ rows: Row[]; seeding: string }> {
  const db = database(context, 'growth');
  const app = await startApp('bots', context.infra, db);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(app.url);
  try {
    const signer = new RequestSigner(app.url, 'chime');
    const { Account } = await signer.expect<{ Account: { AccountId: string } }>({ method: 'POST', path: '/accounts', body: JSON.stringify({ Name: 'bench-growth' }) });
    const accountId = Account.AccountId;
    await signer.expect({ method: 'POST', path: `/accounts/${accountId}/bots`, body: JSON.stringify({ DisplayName: 'template' }) });
    await outboxDrained(context, db, 'bots');
    await outboxDrained(context, db, 'accounts');
    const bots = context.mongo.db(db).collection<Doc>('bots');
    const accounts = context.mongo.db(db).collection<Doc>('accounts');
    const seeder = new BotSeeder(withoutOutbox((await bots.findOne({}))!), withoutOutbox((await accounts.findOne({ _id: accountId }))!));

    let stored = await bots.countDocuments();
    let otherAccount: { id: string; bots: number } | undefined;
    let accountsMade = 0;
    let seedSeconds = 0;
    const measuredIds: string[] = [];
    const seedTo = async (target: number) => {
      const began = performance.now();
      while (stored < target) {
        const batch: Doc[] = [];
        const newAccounts: Doc[] = [];
        while (batch.length < BATCH && stored + batch.length < target) {
          if (stored + batch.length < MEASURED_BOTS) {
            const bot = seeder.botOf(accountId);
            measuredIds.push(bot._id);
            batch.push(bot);
            continue;
          }
          if (!otherAccount || otherAccount.bots === BOTS_PER_ACCOUNT) {
            const account = seeder.accountOf(accountsMade++);
            newAccounts.push(account);
            otherAccount = { id: account._id, bots: 0 };
          }
          otherAccount.bots += 1;
          batch.push(seeder.botOf(otherAccount.id));
        }
        if (newAccounts.length > 0) await accounts.insertMany(newAccounts, { ordered: false });
        await bots.insertMany(batch, { ordered: false });
        stored += batch.length;
      }
      seedSeconds += (performance.now() - began) / 1000;
    };

    const rows: Row[] = [];
    const baselines: Record<string, number> = {};
    const row = (name: string, size: number, measurement: Measurement, target?: string) => {
      baselines[name] ??= measurement.p50;
      rows.push({ section: SECTION, name: `${name}, ${size.toLocaleString('en')} bots stored`, measurement, ratio: { value: measurement.p50 / baselines[name], meaning: `p50 ÷ p50 at ${GROWTH_SIZES[0].toLocaleString('en')}`, target } });
    };
    for (const size of GROWTH_SIZES) {
      await seedTo(size);
      const probe = await signer.send({ method: 'GET', path: `/accounts/${accountId}/bots/${measuredIds[measuredIds.length - 1]}` });
      if (probe.status !== 200) throw new Error(`GetBot of a seeded bot answered ${probe.status}: ${JSON.stringify(probe.body)}`);
      const targets = measuredIds.slice(-50);
      const rotations = await signer.signAll(targets.map((id) => ({ method: 'POST' as const, path: `/accounts/${accountId}/bots/${id}`, query: { operation: 'regenerate-security-token' } })));
      const [list] = await signer.signAll([{ method: 'GET', path: `/accounts/${accountId}/bots`, query: { 'max-results': '10' } }]);
      const ok = async (call: (typeof rotations)[number]) => (await sendSigned(agent, url, call)).status === 200;
      const last = size === GROWTH_SIZES[GROWTH_SIZES.length - 1] && GROWTH_SIZES.length > 1 ? '< 1.5×' : undefined;
      row('RegenerateSecurityToken', size, await sequential((i) => ok(rotations[i % rotations.length]), SAMPLE_SECONDS, MAX_SAMPLES), last);
      row('ListBots page (10 bots)', size, await sequential(() => ok(list), SAMPLE_SECONDS, MAX_SAMPLES), last);
      // Where the time goes: the server's own cost of the app's lookup, with and without the tenancy filter.
      row('raw driver findOne {_id, tenant, accountId, not deleted}', size, await sequential(async (i) => (await bots.findOne({ _id: targets[i % targets.length], tenant: TENANT, accountId, _deletedAt: { $exists: false } })) !== null, SAMPLE_SECONDS, MAX_SAMPLES));
      row('raw driver findOne {_id}', size, await sequential(async (i) => (await bots.findOne({ _id: targets[i % targets.length] })) !== null, SAMPLE_SECONDS, MAX_SAMPLES));
    }
    const seeding = `Bots seeded with the raw driver (insertMany, ${BATCH} per batch) into the bots app's database, in the repository's document shape (cloned from a bot the app created, each with its own id, user id, email, creation time and a security token encrypted with the keyring and associated data the app uses); ${MEASURED_BOTS.toLocaleString('en')} in the account measured, the rest in ${accountsMade.toLocaleString('en')} other accounts of ${BOTS_PER_ACCOUNT} bots. ${stored.toLocaleString('en')} bots seeded in ${seedSeconds.toFixed(0)} s. Calls are sequential (one at a time): up to ${MAX_SAMPLES} or ${SAMPLE_SECONDS} s per row, at least 3.`;
    return { rows, seeding };
  } finally {
    agent.destroy();
    await app.stop();
  }
}
