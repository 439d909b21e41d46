import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@rekey/platform';
import { Counter, Gauge, Registry } from 'prom-client';

/** Connections, messages and refusals; labels are bounded (no room, user or token). */
@Injectable()
export class GatewayMetrics {
  readonly connections: Gauge;
  private readonly messages: Counter<'kind'>;
  private readonly refusals: Counter<'stage' | 'code'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.connections = new Gauge({ name: 'rekey_chat_connections', help: 'Open messaging WebSockets on this replica', registers: [registry] });
    this.messages = new Counter({ name: 'rekey_chat_messages_total', help: 'Client requests accepted (kind: SEND_MESSAGE, DELETE_MESSAGE, DISCONNECT_USER)', labelNames: ['kind'], registers: [registry] });
    this.refusals = new Counter({
      name: 'rekey_chat_refusals_total',
      help: 'Refusals: stage handshake (HTTP status) or request (ERROR code)',
      labelNames: ['stage', 'code'],
      registers: [registry],
    });
  }

  accepted(kind: string): void {
    this.messages.inc({ kind });
  }

  refused(stage: 'handshake' | 'request', code: number): void {
    this.refusals.inc({ stage, code: String(code) });
  }
}
