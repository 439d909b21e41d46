/**
 * The value of one Prometheus sample of an app's `/metrics`, matched by name and by the labels
 * given (others ignored); 0 when the series does not exist yet.
 */
export async function scrapeMetric(appUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${appUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}
