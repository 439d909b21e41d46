// Writes docs/asyncapi.yaml from the contracts:
//   node -r @swc-node/register tools/asyncapi/generate.ts
import { writeFileSync } from 'node:fs';
import { ASYNCAPI_PATH, asyncApiYaml } from './asyncapi-document';

writeFileSync(ASYNCAPI_PATH, asyncApiYaml());
process.stdout.write(`wrote ${ASYNCAPI_PATH}\n`);
