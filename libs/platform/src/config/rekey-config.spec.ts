import { ConfigError, loadConfig } from './rekey-config';

describe('loadConfig', () => {
  it('fills the contracts defaults outside production', () => {
    const config = loadConfig('tunnels', {});
    expect(config).toMatchObject({
      port: 3002,
      mongoUri: 'mongodb://127.0.0.1:27017/rekey_tunnels',
      kafkaBrokers: ['127.0.0.1:9092'],
      awsRegion: 'us-east-1',
      production: false,
      topicPartitions: 6,
    });
  });

  it('splits several brokers and honours overrides', () => {
    const config = loadConfig('chat', { PORT: '8080', KAFKA_BROKERS: 'a:1,b:2', AWS_REGION: 'eu-west-1' });
    expect(config.port).toBe(8080);
    expect(config.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(config.awsRegion).toBe('eu-west-1');
  });

  it('reads throttling limits: a default and per-operation overrides', () => {
    expect(loadConfig('chat', {}).throttle).toEqual({ defaultPerSecond: 5000, perOperation: {} });
    const config = loadConfig('chat', { REKEY_THROTTLE_RPS: '300', REKEY_THROTTLE_OPERATION_RPS: 'CreateRoom=5,CreateChatToken=200' });
    expect(config.throttle).toEqual({ defaultPerSecond: 300, perOperation: { CreateRoom: 5, CreateChatToken: 200 } });
  });

  it('gives the tunnel relay port 3004 and database rekey_tunnel_relay', () => {
    expect(loadConfig('tunnel-relay', {})).toMatchObject({ port: 3004, mongoUri: 'mongodb://127.0.0.1:27017/rekey_tunnel_relay' });
  });

  it('reads TLS files only as a pair, and an mqtt:// broker URL', () => {
    expect(loadConfig('tunnel-relay', {}).tls).toBeUndefined();
    expect(loadConfig('tunnel-relay', { REKEY_TLS_CERT_FILE: __filename, REKEY_TLS_KEY_FILE: __filename }).tls).toEqual({ certFile: __filename, keyFile: __filename });
    expect(() => loadConfig('tunnel-relay', { REKEY_TLS_CERT_FILE: __filename })).toThrow(new ConfigError('REKEY_TLS_KEY_FILE is missing'));
    expect(() => loadConfig('tunnel-relay', { REKEY_TLS_CERT_FILE: '/nonexistent.pem', REKEY_TLS_KEY_FILE: __filename })).toThrow(ConfigError);
    expect(loadConfig('tunnel-relay', { REKEY_MQTT_URL: 'mqtt://broker:1883' }).mqttUrl).toBe('mqtt://broker:1883');
    expect(() => loadConfig('tunnel-relay', { REKEY_MQTT_URL: 'http://broker' })).toThrow(new ConfigError('REKEY_MQTT_URL must be an mqtt:// or mqtts:// URL'));
  });

  it('defaults the relay peer lease to 30 s and reads REKEY_RELAY_PEER_LEASE_MS', () => {
    expect(loadConfig('tunnel-relay', {}).relayPeerLeaseMs).toBe(30_000);
    expect(loadConfig('tunnel-relay', { REKEY_RELAY_PEER_LEASE_MS: '1500' }).relayPeerLeaseMs).toBe(1_500);
    expect(() => loadConfig('tunnel-relay', { REKEY_RELAY_PEER_LEASE_MS: '50' })).toThrow(new ConfigError('REKEY_RELAY_PEER_LEASE_MS must be an integer of milliseconds from 100 to 999999'));
  });

  it('defaults the open-tunnel limit to 1000 and reads REKEY_TUNNELS_MAX_OPEN', () => {
    expect(loadConfig('tunnels', {}).maxOpenTunnels).toBe(1000);
    expect(loadConfig('tunnels', { REKEY_TUNNELS_MAX_OPEN: '' }).maxOpenTunnels).toBe(1000);
    expect(loadConfig('tunnels', { REKEY_TUNNELS_MAX_OPEN: '25' }).maxOpenTunnels).toBe(25);
    expect(loadConfig('tunnels', { REKEY_TUNNELS_MAX_OPEN: '1000000' }).maxOpenTunnels).toBe(1_000_000);
  });

  it.each(['0', '-1', '2.5', 'ten', '1e3', ' 25', '1000001'])('refuses REKEY_TUNNELS_MAX_OPEN=%s with one configuration line', (value) => {
    expect(() => loadConfig('tunnels', { REKEY_TUNNELS_MAX_OPEN: value })).toThrow(new ConfigError('REKEY_TUNNELS_MAX_OPEN must be an integer from 1 to 1000000'));
  });

  it('reads the bots app\'s outbound settings: an extra CA file and networks exempt from the private-address refusal', () => {
    expect(loadConfig('bots', {}).botsOutbound).toEqual({ caFile: undefined, allowedNetworks: [] });
    const config = loadConfig('bots', { REKEY_BOTS_OUTBOUND_CA_FILE: __filename, REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: '10.1.0.0/16,fd00::/8' });
    expect(config.botsOutbound).toEqual({ caFile: __filename, allowedNetworks: ['10.1.0.0/16', 'fd00::/8'] });
    expect(() => loadConfig('bots', { REKEY_BOTS_OUTBOUND_CA_FILE: '/nonexistent/ca.pem' })).toThrow('REKEY_BOTS_OUTBOUND_CA_FILE: cannot read file /nonexistent/ca.pem');
  });

  it('leaves tracing off until an OTLP endpoint is set, and off when the SDK or the exporter is disabled', () => {
    expect(loadConfig('bots', {}).tracing).toBeUndefined();
    expect(loadConfig('bots', { OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }).tracing).toBeUndefined();
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadConfig('bots', { ...endpoint, OTEL_SDK_DISABLED: 'TRUE' }).tracing).toBeUndefined();
    expect(loadConfig('bots', { ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
    expect(loadConfig('bots', { ...endpoint, OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toBeDefined();
  });

  it('reads the standard OTEL_* settings: endpoint, service name (default rekey-<app>), resource attributes and sampler', () => {
    expect(loadConfig('tunnel-relay', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      otlpTracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'rekey-tunnel-relay',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
    const config = loadConfig('chat', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/otlp/traces',
      OTEL_SERVICE_NAME: 'chat-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, team=a%2Cb',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(config.tracing).toEqual({
      otlpTracesUrl: 'https://collector.example/otlp/traces',
      serviceName: 'chat-eu',
      resourceAttributes: { 'deployment.environment': 'prod', team: 'a,b' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
    expect(loadConfig('chat', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource' }).tracing?.serviceName).toBe('from-resource');
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http:// or https:// URL'],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER must be otlp or none (the only exporters Rekey has)'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio'],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1'],
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED must be true or false'],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, 'OTEL_RESOURCE_ATTRIBUTES must be comma-separated key=value pairs'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' }, 'OTEL_RESOURCE_ATTRIBUTES must be comma-separated key=value pairs'],
  ])('names the malformed OTEL setting %j', (env, message) => {
    expect(() => loadConfig('bots', env)).toThrow(new ConfigError(message));
  });

  it('reads the topic the bots app takes delivery requests from, a Kafka topic name', () => {
    expect(loadConfig('bots', {}).botsDeliveriesTopic).toBeUndefined();
    expect(loadConfig('bots', { REKEY_BOTS_DELIVERIES_TOPIC: 'rekey.bench.deliveries-1' }).botsDeliveriesTopic).toBe('rekey.bench.deliveries-1');
    expect(() => loadConfig('bots', { REKEY_BOTS_DELIVERIES_TOPIC: 'two words' })).toThrow(new ConfigError('REKEY_BOTS_DELIVERIES_TOPIC must be a Kafka topic name'));
  });

  it('refuses to fall back to dev defaults in production, naming the first missing setting', () => {
    expect(() => loadConfig('bots', { NODE_ENV: 'production' })).toThrow(new ConfigError('MONGO_URI is missing'));
  });

  it('requires the credentials and keyring files in production', () => {
    const env = { NODE_ENV: 'production', MONGO_URI: 'mongodb://db/rekey_bots', KAFKA_BROKERS: 'k:9092', AWS_REGION: 'us-east-1' };
    expect(() => loadConfig('bots', env)).toThrow('REKEY_CREDENTIALS_FILE is missing');
    expect(() => loadConfig('bots', { ...env, REKEY_CREDENTIALS_FILE: '/nonexistent/creds.json', REKEY_KEYRING_FILE: __filename })).toThrow(
      'REKEY_CREDENTIALS_FILE: cannot read file /nonexistent/creds.json',
    );
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be an integer number'],
    [{ KAFKA_BROKERS: 'no-port' }, 'KAFKA_BROKERS must be comma-separated host:port pairs'],
    [{ MONGO_URI: 'postgres://x' }, 'MONGO_URI must be a mongodb:// connection string'],
    [{ AWS_REGION: 'moon' }, 'AWS_REGION must be an AWS region such as us-east-1'],
    [{ REKEY_THROTTLE_RPS: '0' }, 'REKEY_THROTTLE_RPS must not be less than 1'],
    [{ REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: '10.0.0.0' }, 'REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS must be comma-separated CIDR blocks such as 10.0.0.0/8,fd00::/8'],
    [{ REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: '10.0.0.0/33' }, 'REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS must be comma-separated CIDR blocks such as 10.0.0.0/8,fd00::/8'],
    [{ REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: 'fd00::/129' }, 'REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS must be comma-separated CIDR blocks such as 10.0.0.0/8,fd00::/8'],
    [{ REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: '10.0.0.0/8,nope/8' }, 'REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS must be comma-separated CIDR blocks such as 10.0.0.0/8,fd00::/8'],
    [{ REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: '10.0.0.0/8/1' }, 'REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS must be comma-separated CIDR blocks such as 10.0.0.0/8,fd00::/8'],
    [{ REKEY_THROTTLE_OPERATION_RPS: 'CreateRoom:5' }, 'REKEY_THROTTLE_OPERATION_RPS must be comma-separated Operation=requestsPerSecond pairs'],
  ])('names the malformed setting %j', (env, message) => {
    expect(() => loadConfig('bots', env)).toThrow(message);
  });
});
