import { AppName, DEFAULT_PORTS } from '@rekey/contracts';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateIf, validateSync } from 'class-validator';
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';

/** Typed, validated settings of one app; built once at start-up by {@link loadConfig}. */
export interface RekeyConfig {
  readonly app: AppName;
  readonly production: boolean;
  readonly port: number;
  readonly mongoUri: string;
  readonly kafkaBrokers: string[];
  readonly awsRegion: string;
  /** JSON file of SigV4 credentials; absent outside production means "use the dev keys". */
  readonly credentialsFile?: string;
  /** JSON keyring file; absent outside production means "use the dev keyring". */
  readonly keyringFile?: string;
  readonly topicPartitions: number;
  readonly logLevel: string;
  /** Requests per second allowed per tenant and operation, across all replicas of the app. */
  readonly throttle: ThrottleLimits;
  /** REKEY_TUNNELS_MAX_OPEN: open tunnels a tenant may have at once (tunnels app; default 1000). */
  readonly maxOpenTunnels: number;
  /** Calls the bots app makes to bots' own endpoints (Chime's outgoing events). */
  readonly botsOutbound: BotsOutboundSettings;
  /** PEM certificate chain and key: the app serves HTTPS / wss (TLS 1.2+) instead of plain HTTP. */
  readonly tls?: TlsFiles;
  /** MQTT broker the tunnel relay notifies devices through; absent: no device notifications. */
  readonly mqttUrl?: string;
  /** How other tunnel relay replicas reach this one (ws:// or wss:// URL); default: its own port on loopback. */
  readonly relayAdvertisedUrl?: string;
  /** REKEY_RELAY_PEER_LEASE_MS: how long the tunnel relay's record of a peer outlives the replica holding it (default 30000). */
  readonly relayPeerLeaseMs: number;
  /** OpenTelemetry traces from the standard `OTEL_*` variables; absent: tracing is off. */
  readonly tracing?: TracingSettings;
  /** REKEY_BOTS_DELIVERIES_TOPIC: the topic the bots app reads delivery requests from in place of `rekey.bots.deliveries.v1` (with a consumer group of its own). */
  readonly botsDeliveriesTopic?: string;
}

/** The samplers of `OTEL_TRACES_SAMPLER` Rekey supports (the specification's built-in ones). */
export const TRACE_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

/** How spans are sampled, described and exported (OTLP/HTTP with protobuf). */
export interface TracingSettings {
  /** OTEL_SERVICE_NAME; default `rekey-<app>`, the metrics' `app` label. */
  readonly serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sampler: TraceSampler;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the `*traceidratio` samplers (default 1). */
  readonly samplerRatio: number;
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  readonly otlpTracesUrl: string;
}

export interface BotsOutboundSettings {
  /** PEM file of CA certificates trusted in addition to Node's bundled roots (`REKEY_BOTS_OUTBOUND_CA_FILE`). */
  readonly caFile?: string;
  /**
   * CIDR blocks an endpoint may resolve to although they are loopback, private, link-local or
   * metadata addresses (`REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS`); such addresses are refused in
   * production otherwise.
   */
  readonly allowedNetworks: string[];
}

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ThrottleLimits {
  /** Limit of every operation not named in `perOperation`. */
  readonly defaultPerSecond: number;
  /** By AWS operation name, e.g. `{ CreateRoom: 5 }`. */
  readonly perOperation: Readonly<Record<string, number>>;
}

/** A missing or malformed setting; its message is the one line printed before the app exits. */
export class ConfigError extends Error {}

const CIDR_MESSAGE = 'REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS must be comma-separated CIDR blocks such as 10.0.0.0/8,fd00::/8';

/** `10.0.0.0/8,fd00::/8`: each an IP address and a prefix length its family allows. */
function cidrList(setting: string): string[] {
  const blocks = setting.split(',').filter(Boolean);
  for (const block of blocks) {
    const [network, prefix, extra] = block.split('/');
    const family = isIP(network ?? '');
    if (extra !== undefined || family === 0 || !/^\d{1,3}$/.test(prefix ?? '') || Number(prefix) > (family === 4 ? 32 : 128)) throw new ConfigError(CIDR_MESSAGE);
  }
  return blocks;
}

const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;

const isProduction = (env: RekeyEnvironment) => env.NODE_ENV === 'production';

class RekeyEnvironment {
  @IsOptional()
  @IsIn(['production', 'development', 'test'])
  NODE_ENV?: string;

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: '$property must be a mongodb:// connection string' })
  MONGO_URI!: string;

  @Matches(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, { message: '$property must be comma-separated host:port pairs' })
  KAFKA_BROKERS!: string;

  @Matches(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: '$property must be an AWS region such as us-east-1' })
  AWS_REGION!: string;

  @ValidateIf((env: RekeyEnvironment) => isProduction(env) || env.REKEY_CREDENTIALS_FILE !== undefined)
  @IsNotEmpty({ message: '$property is required in production' })
  REKEY_CREDENTIALS_FILE?: string;

  @ValidateIf((env: RekeyEnvironment) => isProduction(env) || env.REKEY_KEYRING_FILE !== undefined)
  @IsNotEmpty({ message: '$property is required in production' })
  REKEY_KEYRING_FILE?: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS!: number;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL!: string;

  @IsInt()
  @Min(1)
  REKEY_THROTTLE_RPS!: number;

  @Matches(/^([A-Za-z]+=\d+(,[A-Za-z]+=\d+)*)?$/, { message: '$property must be comma-separated Operation=requestsPerSecond pairs' })
  REKEY_THROTTLE_OPERATION_RPS!: string;

  // A string, checked whole: Number() would take "1e3" or " 25".
  @Matches(/^0*([1-9][0-9]{0,5}|1000000)$/, { message: '$property must be an integer from 1 to 1000000' })
  REKEY_TUNNELS_MAX_OPEN!: string;
  @IsOptional()
  @IsNotEmpty()
  REKEY_BOTS_OUTBOUND_CA_FILE?: string;

  @IsString()
  REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS!: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,249}$/, { message: '$property must be a Kafka topic name' })
  REKEY_BOTS_DELIVERIES_TOPIC?: string;

  @ValidateIf((env: RekeyEnvironment) => env.REKEY_TLS_KEY_FILE !== undefined || env.REKEY_TLS_CERT_FILE !== undefined)
  @IsNotEmpty({ message: '$property is required with REKEY_TLS_KEY_FILE' })
  REKEY_TLS_CERT_FILE?: string;

  @ValidateIf((env: RekeyEnvironment) => env.REKEY_TLS_CERT_FILE !== undefined || env.REKEY_TLS_KEY_FILE !== undefined)
  @IsNotEmpty({ message: '$property is required with REKEY_TLS_CERT_FILE' })
  REKEY_TLS_KEY_FILE?: string;

  @IsOptional()
  @Matches(/^mqtts?:\/\/\S+$/, { message: '$property must be an mqtt:// or mqtts:// URL' })
  REKEY_MQTT_URL?: string;

  @IsOptional()
  @Matches(/^wss?:\/\/[^\s/]+$/, { message: '$property must be a ws:// or wss:// URL with no path' })
  REKEY_RELAY_ADVERTISED_URL?: string;

  @Matches(/^0*[1-9][0-9]{2,5}$/, { message: '$property must be an integer of milliseconds from 100 to 999999' })
  REKEY_RELAY_PEER_LEASE_MS!: string;

  @IsOptional()
  @Matches(/^(true|false)$/i, { message: '$property must be true or false' })
  OTEL_SDK_DISABLED?: string;

  @IsOptional()
  @IsIn(['otlp', 'none'], { message: '$property must be otlp or none (the only exporters Rekey has)' })
  OTEL_TRACES_EXPORTER?: string;

  @IsOptional()
  @Matches(HTTP_URL, { message: '$property must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @Matches(HTTP_URL, { message: '$property must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  @IsOptional()
  @IsNotEmpty()
  OTEL_SERVICE_NAME?: string;

  @IsOptional()
  @IsIn(TRACE_SAMPLERS, { message: `$property must be one of ${TRACE_SAMPLERS.join(', ')}` })
  OTEL_TRACES_SAMPLER?: string;

  @IsOptional()
  @Matches(/^(0(\.\d+)?|1(\.0+)?)$/, { message: '$property must be a ratio from 0 to 1' })
  OTEL_TRACES_SAMPLER_ARG?: string;

  @IsOptional()
  @Matches(/^\s*[^=,\s]+\s*=[^=,]*(,\s*[^=,\s]+\s*=[^=,]*)*$/, { message: '$property must be comma-separated key=value pairs' })
  OTEL_RESOURCE_ATTRIBUTES?: string;
}

/** The specification percent-encodes resource attribute keys and values. */
function percentDecoded(part: string): string {
  try {
    return decodeURIComponent(part.trim());
  } catch {
    throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES must be comma-separated key=value pairs');
  }
}

/**
 * Tracing is on when an OTLP endpoint is set, unless OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none: unlike the specification's default (OTLP to localhost), nothing is
 * exported, and no span is made, until a collector is named.
 */
function tracingSettings(app: AppName, env: RekeyEnvironment): TracingSettings | undefined {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const otlpTracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base === undefined ? undefined : `${base.replace(/\/$/, '')}/v1/traces`);
  if (otlpTracesUrl === undefined || env.OTEL_SDK_DISABLED?.toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const resourceAttributes = Object.fromEntries((env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',').filter(Boolean).map((pair) => pair.split('=').map(percentDecoded) as [string, string]));
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? resourceAttributes['service.name'] ?? `rekey-${app}`,
    resourceAttributes,
    sampler: (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on') as TraceSampler,
    samplerRatio: Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1),
    otlpTracesUrl,
  };
}

function perOperationLimits(setting: string): Record<string, number> {
  return Object.fromEntries(setting.split(',').filter(Boolean).map((pair) => {
    const [operation, limit] = pair.split('=');
    return [operation, Number(limit)];
  }));
}

function devDefaults(app: AppName): Partial<Record<keyof RekeyEnvironment, string>> {
  return {
    MONGO_URI: `mongodb://127.0.0.1:27017/rekey_${app.replace(/-/g, '_')}`,
    KAFKA_BROKERS: '127.0.0.1:9092',
    AWS_REGION: 'us-east-1',
  };
}

function assertReadable(name: string, path: string | undefined): void {
  if (path === undefined) return;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(`${name}: cannot read file ${path}`);
  }
}

/**
 * Reads the app's settings from the environment. Outside production the contracts' dev defaults
 * fill the gaps; in production nothing does, and the first bad setting throws a {@link ConfigError}.
 */
export function loadConfig(app: AppName, env: NodeJS.ProcessEnv = process.env): RekeyConfig {
  const production = env.NODE_ENV === 'production';
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const raw = {
    PORT: String(DEFAULT_PORTS[app]),
    KAFKA_TOPIC_PARTITIONS: '6',
    LOG_LEVEL: 'info',
    // Generous: the limits are a guard against runaway clients, not AWS's own quotas.
    REKEY_THROTTLE_RPS: '5000',
    REKEY_THROTTLE_OPERATION_RPS: '',
    REKEY_TUNNELS_MAX_OPEN: '1000',
    REKEY_RELAY_PEER_LEASE_MS: '30000',
    REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: '',
    ...(production ? {} : devDefaults(app)),
    ...given,
  };
  const parsed = plainToInstance(RekeyEnvironment, {
    ...raw,
    PORT: Number(raw.PORT),
    KAFKA_TOPIC_PARTITIONS: Number(raw.KAFKA_TOPIC_PARTITIONS),
    REKEY_THROTTLE_RPS: Number(raw.REKEY_THROTTLE_RPS),
  });
  const [failure] = validateSync(parsed);
  if (failure) {
    const missing = failure.value === undefined;
    throw new ConfigError(missing ? `${failure.property} is missing` : Object.values(failure.constraints ?? {}).at(-1) ?? `${failure.property} is invalid`);
  }
  assertReadable('REKEY_CREDENTIALS_FILE', parsed.REKEY_CREDENTIALS_FILE);
  assertReadable('REKEY_KEYRING_FILE', parsed.REKEY_KEYRING_FILE);
  assertReadable('REKEY_BOTS_OUTBOUND_CA_FILE', parsed.REKEY_BOTS_OUTBOUND_CA_FILE);
  assertReadable('REKEY_TLS_CERT_FILE', parsed.REKEY_TLS_CERT_FILE);
  assertReadable('REKEY_TLS_KEY_FILE', parsed.REKEY_TLS_KEY_FILE);
  const config: RekeyConfig = {
    app,
    production,
    port: parsed.PORT,
    mongoUri: parsed.MONGO_URI,
    kafkaBrokers: parsed.KAFKA_BROKERS.split(','),
    awsRegion: parsed.AWS_REGION,
    credentialsFile: parsed.REKEY_CREDENTIALS_FILE,
    keyringFile: parsed.REKEY_KEYRING_FILE,
    topicPartitions: parsed.KAFKA_TOPIC_PARTITIONS,
    logLevel: parsed.LOG_LEVEL,
    throttle: { defaultPerSecond: parsed.REKEY_THROTTLE_RPS, perOperation: perOperationLimits(parsed.REKEY_THROTTLE_OPERATION_RPS) },
    maxOpenTunnels: Number(parsed.REKEY_TUNNELS_MAX_OPEN),
    botsOutbound: { caFile: parsed.REKEY_BOTS_OUTBOUND_CA_FILE, allowedNetworks: cidrList(parsed.REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS) },
    ...(parsed.REKEY_TLS_CERT_FILE !== undefined && parsed.REKEY_TLS_KEY_FILE !== undefined && { tls: { certFile: parsed.REKEY_TLS_CERT_FILE, keyFile: parsed.REKEY_TLS_KEY_FILE } }),
    ...(parsed.REKEY_MQTT_URL !== undefined && { mqttUrl: parsed.REKEY_MQTT_URL }),
    ...(parsed.REKEY_RELAY_ADVERTISED_URL !== undefined && { relayAdvertisedUrl: parsed.REKEY_RELAY_ADVERTISED_URL }),
    relayPeerLeaseMs: Number(parsed.REKEY_RELAY_PEER_LEASE_MS),
    ...(parsed.REKEY_BOTS_DELIVERIES_TOPIC !== undefined && { botsDeliveriesTopic: parsed.REKEY_BOTS_DELIVERIES_TOPIC }),
  };
  const tracing = tracingSettings(app, parsed);
  return tracing ? { ...config, tracing } : config;
}
