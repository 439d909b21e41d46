import { join } from 'node:path';
import ts from 'typescript';

/** A JSON Schema (draft 07, which AsyncAPI's schema format extends). */
export type JsonSchema = { [keyword: string]: unknown };

const contractsIndex = join(__dirname, '..', '..', 'libs', 'contracts', 'src', 'index.ts');

/**
 * JSON Schemas of payload types exported by libs/contracts, read from their TypeScript
 * declarations (interfaces or classes alike): members, optionality, `| null`, literal unions as
 * enums, arrays, string maps, nested types, and each member's TSDoc as its description.
 */
export class PayloadSchemas {
  private readonly checker: ts.TypeChecker;
  private readonly exports: Map<string, ts.Symbol>;

  constructor(entry = contractsIndex) {
    const program = ts.createProgram([entry], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: true, skipLibCheck: true, noEmit: true });
    this.checker = program.getTypeChecker();
    const module = this.checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    this.exports = new Map(this.checker.getExportsOfModule(module).map((symbol) => [symbol.name, symbol]));
  }

  /** The schema of the exported type `name`; throws when libs/contracts exports no such type. */
  of(name: string): JsonSchema {
    const symbol = this.exports.get(name);
    if (!symbol) throw new Error(`libs/contracts exports no type ${name}`);
    const declared = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    return this.schemaOf(this.checker.getDeclaredTypeOfSymbol(declared), name);
  }

  private schemaOf(type: ts.Type, where: string): JsonSchema {
    if (type.isUnion()) return this.unionSchema(type.types, where);
    if (type.flags & ts.TypeFlags.String) return { type: 'string' };
    if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
    if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
    if (type.flags & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { enum: [type.value] };
    if (this.checker.isArrayType(type)) return { type: 'array', items: this.schemaOf(this.checker.getTypeArguments(type as ts.TypeReference)[0], `${where}[]`) };
    // Functions (and so objects with methods, such as Date) are not JSON.
    if (type.flags & ts.TypeFlags.Object && type.getCallSignatures().length === 0) return this.objectSchema(type, where);
    throw new Error(`${where}: no JSON Schema for the type ${this.checker.typeToString(type)}`);
  }

  private unionSchema(members: ts.Type[], where: string): JsonSchema {
    const defined = members.filter((member) => !(member.flags & ts.TypeFlags.Undefined));
    const nullable = defined.some((member) => member.flags & ts.TypeFlags.Null);
    const values = defined.filter((member) => !(member.flags & ts.TypeFlags.Null));
    // `boolean` is the union `true | false`.
    if (values.length > 0 && values.every((member) => member.flags & ts.TypeFlags.BooleanLiteral)) return nullable ? { type: ['boolean', 'null'] } : { type: 'boolean' };
    if (values.every((member) => member.isStringLiteral() || member.isNumberLiteral())) {
      const literals = values.map((member) => (member as ts.StringLiteralType | ts.NumberLiteralType).value);
      return { enum: nullable ? [...literals, null] : literals };
    }
    if (values.length === 1) {
      const schema = this.schemaOf(values[0], where);
      return nullable && typeof schema.type === 'string' ? { ...schema, type: [schema.type, 'null'] } : schema;
    }
    return { anyOf: [...values.map((member) => this.schemaOf(member, where)), ...(nullable ? [{ type: 'null' }] : [])] };
  }

  private objectSchema(type: ts.Type, where: string): JsonSchema {
    const index = this.checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & ts.TypeFlags.String);
    if (index && this.checker.getPropertiesOfType(type).length === 0) return { type: 'object', additionalProperties: this.schemaOf(index.type, `${where}[key]`) };
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const schema = this.schemaOf(this.checker.getTypeOfSymbol(property), `${where}.${property.name}`);
      const description = ts
        .displayPartsToString(property.getDocumentationComment(this.checker))
        .replace(/\{@link\s+([^}\s]+)\s*\}/g, '`$1`')
        .replace(/\s+/g, ' ')
        .trim();
      properties[property.name] = description ? { ...schema, description } : schema;
      if (!(property.flags & ts.SymbolFlags.Optional)) required.push(property.name);
    }
    return { type: 'object', properties, required };
  }
}
