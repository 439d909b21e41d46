import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics';

export type TokenKind = 'SecurityToken' | 'SourceAccessToken' | 'DestinationAccessToken' | 'ChatToken';

/** Counts tokens handed out, by kind and by whether they were first issued or rotated. */
@Injectable()
export class TokenMetrics {
  private readonly tokens: Counter<'kind' | 'action'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.tokens = new Counter({
      name: 'rekey_tokens_total',
      help: 'Tokens handed out, by kind and action (issued on creation, rotated on regeneration)',
      labelNames: ['kind', 'action'],
      registers: [registry],
    });
  }

  issued(kind: TokenKind, count = 1): void {
    this.tokens.inc({ kind, action: 'issued' }, count);
  }

  rotated(kind: TokenKind, count = 1): void {
    this.tokens.inc({ kind, action: 'rotated' }, count);
  }
}
