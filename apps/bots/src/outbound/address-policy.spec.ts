import { AddressPolicy } from './address-policy';

describe('AddressPolicy', () => {
  const production = new AddressPolicy(true);

  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '64:ff9b::10.0.0.1', 'not-an-ip'])(
    'refuses %s in production',
    (address) => expect(production.allows(address)).toBe(false),
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:93.184.216.34'])('allows the public address %s', (address) => {
    expect(production.allows(address)).toBe(true);
  });

  it('allows configured networks even when they are private', () => {
    const policy = new AddressPolicy(true, ['10.1.0.0/16', 'fd12::/16']);
    expect(policy.allows('10.1.9.9')).toBe(true);
    expect(policy.allows('::ffff:10.1.9.9')).toBe(true);
    expect(policy.allows('fd12::5')).toBe(true);
    expect(policy.allows('10.2.0.1')).toBe(false);
    expect(policy.allows('169.254.169.254')).toBe(false);
  });

  it('allows everything outside production', () => {
    expect(new AddressPolicy(false).allows('127.0.0.1')).toBe(true);
  });

  it('rejects a malformed network at start-up', () => {
    expect(() => new AddressPolicy(true, ['10.0.0.0'])).toThrow();
    expect(() => new AddressPolicy(true, ['nope/8'])).toThrow('not a CIDR block: nope/8');
  });
});
