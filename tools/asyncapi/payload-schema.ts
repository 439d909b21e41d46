import { getMetadataStorage, ValidationTypes } from 'class-validator';

// Where class-transformer keeps `@Type`; the package exports no path to it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** A JSON Schema (draft 07, which AsyncAPI's schema format extends). */
export type JsonSchema = { [keyword: string]: unknown };

type Constructor = new () => object;

/** JSON Schema of each class-validator rule the contracts use; a rule missing here fails generation. */
const RULES: Record<string, (constraints: unknown[]) => JsonSchema> = {
  isString: () => ({ type: 'string' }),
  matches: ([pattern]) => ({ type: 'string', pattern: (pattern as RegExp).source }),
  isIso8601: () => ({ type: 'string', format: 'date-time' }),
  isUUID: () => ({ type: 'string', format: 'uuid' }),
  isIn: ([values]) => ({ enum: [...(values as unknown[])] }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  min: ([minimum]) => ({ minimum }),
  max: ([maximum]) => ({ maximum }),
  minLength: ([minLength]) => ({ minLength }),
  maxLength: ([maxLength]) => ({ maxLength }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayMaxSize: ([maxItems]) => ({ maxItems }),
  isObject: () => ({ type: 'object' }),
  // libs/contracts' IsStringMap (tags, attributes); its size limits are not in the metadata.
  isStringMap: () => ({ type: 'object', additionalProperties: { type: 'string' } }),
};

function ruleSchema(rule: ValidationMetadata, where: string): JsonSchema {
  const toSchema = rule.name ? RULES[rule.name] : undefined;
  if (!toSchema) throw new Error(`${where}: no JSON Schema for the class-validator rule ${rule.name ?? rule.type} (add it to tools/asyncapi/payload-schema.ts)`);
  return toSchema(rule.constraints ?? []);
}

/** A ValidateIf other than IsOptional is how the contracts write `| null` (OrNull). */
function allowNull(schema: JsonSchema): JsonSchema {
  const nullable = { ...schema };
  if (nullable.type) nullable.type = [nullable.type, 'null'].flat();
  if (Array.isArray(nullable.enum)) nullable.enum = [...nullable.enum, null];
  return nullable;
}

function propertySchema(payload: Constructor, property: string, rules: ValidationMetadata[]): { schema: JsonSchema; optional: boolean } {
  const where = `${payload.name}.${property}`;
  let value: JsonSchema = {};
  let items: JsonSchema | undefined;
  let optional = false;
  let nullable = false;
  for (const rule of rules) {
    if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      if (rule.name === 'isOptional') optional = true;
      else nullable = true;
    } else if (rule.type === ValidationTypes.NESTED_VALIDATION) {
      const nested = defaultMetadataStorage.findTypeMetadata(payload, property)?.typeFunction() as Constructor | undefined;
      if (!nested) throw new Error(`${where}: @ValidateNested needs @Type(() => TheClass) to name the nested class`);
      if (rule.each) items = { ...items, ...payloadSchema(nested) };
      else value = { ...value, ...payloadSchema(nested) };
    } else if (rule.each) {
      items = { ...items, ...ruleSchema(rule, where) };
    } else {
      value = { ...value, ...ruleSchema(rule, where) };
    }
  }
  if (items) value = { ...value, type: 'array', items };
  return { schema: nullable ? allowNull(value) : value, optional };
}

/**
 * The JSON Schema of a payload class, read from its class-validator rules (and class-transformer's
 * `@Type` for nested classes): what the consumer transport validates is what the catalog publishes.
 */
export function payloadSchema(payload: Constructor): JsonSchema {
  const rules = getMetadataStorage().getTargetValidationMetadatas(payload, '', true, false);
  if (rules.length === 0) throw new Error(`${payload.name} has no class-validator rules: is it a contract class?`);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of rules) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [property, propertyRules] of byProperty) {
    const { schema, optional } = propertySchema(payload, property, propertyRules);
    properties[property] = schema;
    if (!optional) required.push(property);
  }
  return { type: 'object', properties, required };
}
