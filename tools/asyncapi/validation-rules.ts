import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { JsonSchema } from './payload-schema';

// Where class-transformer keeps `@Type`; the package exports no path to it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

type Rule = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
type Constructor = new () => object;

/** What each class-validator rule adds to the schema its declared type gives. */
const KEYWORDS: Record<string, (constraints: unknown[], schema: JsonSchema) => JsonSchema> = {
  matches: ([pattern]) => ({ pattern: (pattern as RegExp).source }),
  isIso8601: () => ({ format: 'date-time' }),
  isUUID: () => ({ format: 'uuid' }),
  isUrl: () => ({ format: 'uri' }),
  isInt: (_, schema) => ({ type: Array.isArray(schema.type) ? schema.type.map((t) => (t === 'number' ? 'integer' : t)) : 'integer' }),
  min: ([minimum]) => ({ minimum }),
  max: ([maximum]) => ({ maximum }),
  minLength: ([minLength]) => ({ minLength }),
  maxLength: ([maxLength]) => ({ maxLength }),
  isLength: ([minLength, maxLength]) => ({ minLength, ...(maxLength !== undefined && { maxLength }) }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayMaxSize: ([maxItems]) => ({ maxItems }),
  // A string the type leaves open, narrowed to a list (a literal union already is an enum).
  isIn: ([values], schema) => (schema.enum ? {} : { enum: [...(values as unknown[]), ...(nullable(schema) ? [null] : [])] }),
};

/** Rules the declared type already says (or, for a string map's size limits, that JSON Schema cannot). */
const SAID_BY_THE_TYPE = new Set(['isString', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'isStringMap']);

const nullable = (schema: JsonSchema) => Array.isArray(schema.type) && schema.type.includes('null');

function ruleKeywords(rule: Rule, schema: JsonSchema, where: string): JsonSchema {
  if (rule.name && SAID_BY_THE_TYPE.has(rule.name)) return {};
  const keywords = rule.name ? KEYWORDS[rule.name] : undefined;
  if (!keywords) throw new Error(`${where}: no JSON Schema for the class-validator rule ${rule.name ?? rule.type} (add it to tools/asyncapi/validation-rules.ts)`);
  return keywords(rule.constraints ?? [], schema);
}

/**
 * Adds to a payload class's schema (from its declaration) what its class-validator rules, the
 * ones the consumer transport validates with, say beyond the types: patterns, formats, bounds,
 * integers; nested classes (`@ValidateNested` with `@Type`) likewise. A rule with no JSON Schema
 * equivalent fails, so a new kind of rule cannot go unpublished.
 */
export function withValidationRules(schema: JsonSchema, payload: Constructor): JsonSchema {
  const properties = { ...(schema.properties as Record<string, JsonSchema>) };
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(payload, '', true, false)) {
    const where = `${payload.name}.${rule.propertyName}`;
    const declared = properties[rule.propertyName];
    if (!declared) throw new Error(`${where}: a validation rule on a member the type does not declare`);
    // IsOptional and OrNull (ValidateIf): the declaration already says `?` and `| null`.
    if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) continue;
    const target = rule.each ? (declared.items as JsonSchema) : declared;
    let refined: JsonSchema;
    if (rule.type === ValidationTypes.NESTED_VALIDATION) {
      const nested = defaultMetadataStorage.findTypeMetadata(payload, rule.propertyName)?.typeFunction() as Constructor | undefined;
      if (!nested) throw new Error(`${where}: @ValidateNested needs @Type(() => TheClass) to name the nested class`);
      refined = withValidationRules(target, nested);
    } else {
      refined = { ...target, ...ruleKeywords(rule, target, where) };
    }
    properties[rule.propertyName] = rule.each ? { ...declared, items: refined } : refined;
  }
  return { ...schema, properties };
}
