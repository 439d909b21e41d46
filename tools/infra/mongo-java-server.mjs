// mongo-java-server (MongoDB wire protocol, H2 storage), resolved from Maven Central and compiled
// once into the cache. The default local MongoDB stand-in: FerretDB 1.24 loses concurrent updates
// of one document (see docs/ferretdb-compat.md), which the token rotations cannot tolerate.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommand, run } from './commands.mjs';
import { step } from './log.mjs';
import { cacheDir, dataDir } from './paths.mjs';
import { mongoAnswers } from './probes.mjs';
import { startDetached } from './processes.mjs';

const sourceDir = join(dirname(fileURLToPath(import.meta.url)), 'mongo-java-server');
const javaSources = readdirSync(join(sourceDir, 'src'))
  .filter((file) => file.endsWith('.java'))
  .sort()
  .map((file) => join(sourceDir, 'src', file));
export const MONGO_JAVA_SERVER_MARKER = 'MongoWireServer';

/** The cached jars and compiled entry point; the folder name hashes the sources, so edits rebuild. */
function ensureBuilt() {
  const hash = createHash('sha256');
  for (const file of [join(sourceDir, 'pom.xml'), ...javaSources]) hash.update(readFileSync(file));
  const home = join(cacheDir, `mongo-java-server-${hash.digest('hex').slice(0, 12)}`);
  const complete = join(home, '.complete');
  if (existsSync(complete)) return home;
  requireCommand('mvn', 'download mongo-java-server from Maven Central (install Maven 3)');
  requireCommand('javac', 'compile the indexed mongo-java-server backend (install a JDK 17)');
  step('mongo: resolving mongo-java-server with Maven and compiling it (first run only)');
  mkdirSync(home, { recursive: true });
  run('mvn', ['-q', '-B', '-f', join(sourceDir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${join(home, 'libs')}`, '-DincludeScope=runtime']);
  run('javac', ['-cp', `${join(home, 'libs')}/*`, '-d', join(home, 'classes'), ...javaSources]);
  writeFileSync(complete, new Date().toISOString());
  return home;
}

export async function startMongoJavaServer({ name, port }) {
  requireCommand('java', 'run mongo-java-server (install Java 17)');
  const home = ensureBuilt();
  const dir = join(dataDir, name);
  mkdirSync(dir, { recursive: true });
  step(`${name}: starting mongo-java-server on 127.0.0.1:${port}`);
  return startDetached({
    name,
    command: 'java',
    args: ['-Xms256m', `-Xmx${process.env.REKEY_MONGO_HEAP ?? '3g'}`, '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', `${home}/libs/*:${home}/classes`, MONGO_JAVA_SERVER_MARKER, String(port), join(dir, 'data.mv')],
    cwd: dir,
    logPath: join(dir, 'server.log'),
    answers: () => mongoAnswers(port),
  });
}
