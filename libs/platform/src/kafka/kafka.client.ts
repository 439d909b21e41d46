import { Kafka, logLevel, LogEntry } from 'kafkajs';
import pino from 'pino';
import { RekeyConfig } from '../config/rekey-config';

/** Injection token of the app's single kafkajs client. */
export const KAFKA = Symbol('KAFKA');

const kafkaLogger = pino({ name: 'kafkajs' });
const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Routes kafkajs's own log lines into the JSON logs instead of its console format. */
function pinoLogCreator() {
  return ({ level, namespace, log }: LogEntry) => {
    const { message, ...extra } = log;
    kafkaLogger[levels[level] ?? 'info']({ namespace, ...extra }, message);
  };
}

export function createKafka(config: RekeyConfig): Kafka {
  return new Kafka({
    clientId: `rekey-${config.app}`,
    brokers: config.kafkaBrokers,
    connectionTimeout: 1000,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
  });
}
