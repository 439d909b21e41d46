import { EventEmitter } from 'node:events';
import pinoHttp, { Options } from 'pino-http';
import type { RekeyConfig } from '../config/rekey-config';
import { loggerOptions } from './logger.options';
import { labelOperation, labelTenant } from './request-labels';

describe('request logs', () => {
  it('name a request by id, method and URL, never by its headers, and end with its operation and tenant', () => {
    const lines: string[] = [];
    const options = loggerOptions({ app: 'bots', logLevel: 'info' } as RekeyConfig).pinoHttp as Options;
    const middleware = pinoHttp(options, { write: (line: string) => lines.push(line) });
    const credential = 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/chime/aws4_request';
    const req = Object.assign(new EventEmitter(), { id: 'req-1', method: 'POST', url: '/accounts', headers: { authorization: credential, host: 'localhost' } });
    const res = Object.assign(new EventEmitter(), { statusCode: 201, getHeaders: () => ({}) });

    middleware(req as never, res as never);
    labelOperation({ raw: req } as never, 'CreateAccount');
    labelTenant({ raw: req } as never, '111111111111');
    res.emit('finish');

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ req: { id: 'req-1', method: 'POST', url: '/accounts' }, operation: 'CreateAccount', tenant: '111111111111' });
    expect(JSON.parse(lines[0]).req).toEqual({ id: 'req-1', method: 'POST', url: '/accounts' });
    expect(lines[0]).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
