import { fromKafkaMessage, MalformedEventError, toKafkaMessage } from './envelope';
import { newEvent } from './event';

describe('CloudEvents Kafka binary envelope', () => {
  const event = newEvent('tunnels', { type: 'rekey.tunnels.TunnelOpened', subject: 'arn:aws:iot:us-east-1:111111111111:tunnel/t1', tenant: '111111111111', key: 't1', data: { generation: 1 } });

  it('carries exactly the contract headers, the resource id as key and the data as JSON value', () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe('t1');
    expect(JSON.parse(String(message.value))).toEqual({ generation: 1 });
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: '/rekey/tunnels',
      ce_type: 'rekey.tunnels.TunnelOpened',
      ce_subject: 'arn:aws:iot:us-east-1:111111111111:tunnel/t1',
      ce_time: event.time,
      ce_tenant: '111111111111',
      'content-type': 'application/json',
    });
  });

  it('parses a consumed message back into the same event', () => {
    const message = toKafkaMessage(event);
    const headers = Object.fromEntries(Object.entries(message.headers!).map(([k, v]) => [k, Buffer.from(String(v))]));
    const received = fromKafkaMessage('rekey.tunnels.v1', 3, { key: Buffer.from('t1'), value: Buffer.from(String(message.value)), headers, offset: '42' });
    expect(received).toEqual({ ...event, topic: 'rekey.tunnels.v1', partition: 3, offset: '42' });
  });

  it('refuses messages that are not Rekey CloudEvents', () => {
    const parse = (headers: Record<string, string>, value = '{}') =>
      fromKafkaMessage('t', 0, { key: null, value: Buffer.from(value), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])), offset: '0' });
    expect(() => parse({})).toThrow(MalformedEventError);
    const headers = toKafkaMessage(event).headers as Record<string, string>;
    expect(() => parse(headers, 'not json')).toThrow(MalformedEventError);
    const withoutTenant = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'ce_tenant'));
    expect(() => parse(withoutTenant)).toThrow('missing header ce_tenant');
  });
});
