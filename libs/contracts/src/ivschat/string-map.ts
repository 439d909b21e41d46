import { ValidateBy, ValidationOptions } from 'class-validator';

/** Limits of a JSON object whose values are strings (tags, attributes), as the IVS Chat model states them. */
export interface StringMapLimits {
  maxEntries?: number;
  /** Inclusive bounds on each key's length in characters. */
  keyLength?: [number, number];
  /** Inclusive bounds on each value's length in characters. */
  valueLength?: [number, number];
  /** Upper bound on the UTF-8 bytes of all keys and values together ("1 KB total"). */
  maxTotalBytes?: number;
}

const characters = (text: string) => [...text].length;

/** Why `value` breaks the limits, or undefined when it is a conforming string map. */
export function stringMapProblem(value: unknown, limits: StringMapLimits): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a map of strings';
  const entries = Object.entries(value);
  if (entries.some(([, v]) => typeof v !== 'string')) return 'must have string values only';
  if (limits.maxEntries !== undefined && entries.length > limits.maxEntries) return `must have at most ${limits.maxEntries} entries`;
  const [minKey, maxKey] = limits.keyLength ?? [0, Infinity];
  if (entries.some(([k]) => characters(k) < minKey || characters(k) > maxKey)) return `must have keys of ${minKey} to ${maxKey} characters`;
  const [minValue, maxValue] = limits.valueLength ?? [0, Infinity];
  if (entries.some(([, v]) => characters(v as string) < minValue || characters(v as string) > maxValue)) {
    return `must have values of ${minValue} to ${maxValue} characters`;
  }
  if (limits.maxTotalBytes !== undefined) {
    const bytes = entries.reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v as string), 0);
    if (bytes > limits.maxTotalBytes) return `must not exceed ${limits.maxTotalBytes} bytes in total (keys and values, UTF-8), got ${bytes}`;
  }
  return undefined;
}

/** Property decorator: the value is a string map within `limits` (see {@link stringMapProblem}). */
export function IsStringMap(limits: StringMapLimits, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringMap',
      validator: {
        validate: (value) => stringMapProblem(value, limits) === undefined,
        defaultMessage: (args) => `${args?.property} ${stringMapProblem(args?.value, limits)}`,
      },
    },
    options,
  );
}
