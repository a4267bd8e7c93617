/**
 * Validates requests and responses of the test fakes against the official Airflow OpenAPI specs
 * in ../shared/specs/airflow-rest (read in place, never copied into the repository). Every
 * mismatch is recorded as a violation; tests assert there are none, so a drifting fake (or a
 * client sending what real Airflow would reject) fails.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

export const SPECS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'specs', 'airflow-rest');
export const SPEC_V1 = 'airflow-2.10.0-v1.yaml';
export const SPEC_V2 = 'airflow-3.2.1-v2.yaml';

export function specsAvailable(): boolean {
  return [SPEC_V1, SPEC_V2, 'airflow-3.0.2-v2.yaml'].every((f) => existsSync(path.join(SPECS_DIR, f)));
}

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  op: Json;
  params: Json[];
}

export interface Violation {
  where: 'request' | 'response';
  method: string;
  path: string;
  status?: number;
  errors: string[];
}

const specCache = new Map<string, OpenApiValidator>();

export class OpenApiValidator {
  private readonly spec: Json;
  private readonly ajv: Ajv;
  private readonly ops: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  static load(file: string): OpenApiValidator {
    let v = specCache.get(file);
    if (!v) {
      v = new OpenApiValidator(file);
      specCache.set(file, v);
    }
    return v;
  }

  private constructor(file: string) {
    this.spec = normalizeNullable(YAML.parse(readFileSync(path.join(SPECS_DIR, file), 'utf8')));
    const v31 = String(this.spec.openapi).startsWith('3.1');
    this.ajv = (v31 ? new Ajv2020({ strict: false, allErrors: true, validateFormats: true }) : new Ajv({ strict: false, allErrors: true, validateFormats: true })) as Ajv;
    addFormats(this.ajv as never);
    // The v1 spec spells RFC 3339 timestamps as format "datetime" in a few places.
    this.ajv.addFormat('datetime', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
    this.ajv.addSchema({ $id: 'spec', components: this.spec.components }, 'spec');
    const prefix = this.spec.servers?.[0]?.url?.startsWith('/') ? this.spec.servers[0].url : '';
    for (const [p, item] of Object.entries<Json>(this.spec.paths)) {
      const shared = (item.parameters ?? []) as Json[];
      for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
        const op = item[method];
        if (!op) continue;
        const template = `${prefix}${p}`;
        const names: string[] = [];
        const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => (names.push(n), '([^/]+)'))}$`);
        const params = [...shared, ...(op.parameters ?? [])].map((x) => this.deref(x));
        this.ops.push({ method: method.toUpperCase(), template, regex, names, op, params });
      }
    }
    // Literal segments win over templated ones (e.g. /dags/~/dagRuns/list vs /dags/{dag_id}/dagRuns/{dag_run_id}).
    this.ops.sort((a, b) => a.names.length - b.names.length);
  }

  private deref(x: Json): Json {
    let cur = x;
    while (cur && cur.$ref) {
      const parts = String(cur.$ref).replace(/^#\//, '').split('/');
      cur = parts.reduce((o: Json, k) => o?.[k], this.spec);
    }
    return cur;
  }

  private validator(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = this.compiled.get(key);
    if (!fn) {
      // Re-root the schema inside the spec document so its "#/components/…" refs resolve.
      fn = this.ajv.compile(rewriteRefs(schema));
      this.compiled.set(key, fn);
    }
    return fn;
  }

  find(method: string, pathname: string): { op: Operation; pathParams: Record<string, string> } | undefined {
    for (const op of this.ops) {
      if (op.method !== method) continue;
      const m = op.regex.exec(pathname);
      if (m) return { op, pathParams: Object.fromEntries(op.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return undefined;
  }

  /** Validate a request; returns error strings (empty = valid). */
  validateRequest(method: string, pathname: string, query: URLSearchParams, body: unknown, contentType?: string): string[] {
    const found = this.find(method, pathname);
    if (!found) return [`no operation ${method} ${pathname} in the spec`];
    const errors: string[] = [];
    const { op, pathParams } = found;
    const known = new Set<string>();
    for (const p of op.params) {
      if (p.in === 'query') known.add(p.name);
      let raw: unknown;
      if (p.in === 'path') raw = pathParams[p.name];
      else if (p.in === 'query') {
        const all = query.getAll(p.name);
        if (!all.length) {
          if (p.required) errors.push(`missing required query parameter ${p.name}`);
          continue;
        }
        raw = mainType(p.schema ?? {}) === 'array' ? all : all[0];
      } else continue;
      const value = coerce(raw, p.schema ?? {});
      const v = this.validator(p.schema ?? {});
      if (!v(value)) errors.push(`${p.in} parameter ${p.name}=${JSON.stringify(raw)}: ${this.ajv.errorsText(v.errors)}`);
    }
    for (const k of new Set(query.keys())) if (!known.has(k)) errors.push(`query parameter ${k} is not in the spec`);
    const rb = this.deref(op.op.requestBody ?? {});
    if (rb?.content) {
      if (body === undefined) {
        if (rb.required) errors.push('missing request body');
      } else {
        const media = rb.content['application/json'];
        if (!media) errors.push(`request body type ${contentType} not accepted`);
        else {
          const v = this.validator(media.schema ?? {});
          if (!v(body)) errors.push(`request body: ${this.ajv.errorsText(v.errors)}`);
        }
      }
    } else if (body !== undefined && method !== 'GET') errors.push('operation takes no request body');
    return errors;
  }

  /** Validate a response (status must be documented; JSON bodies must match their schema). */
  validateResponse(method: string, pathname: string, status: number, contentType: string, body: unknown): string[] {
    const found = this.find(method, pathname);
    if (!found) return [`no operation ${method} ${pathname} in the spec`];
    const resp = this.deref(found.op.op.responses?.[String(status)] ?? found.op.op.responses?.default);
    if (!resp) return [`status ${status} is not documented for ${found.op.method} ${found.op.template}`];
    if (!resp.content) return body === undefined || body === '' ? [] : [`status ${status} documents no body`];
    const type = contentType.split(';')[0].trim();
    const media = resp.content[type];
    if (!media) return [`content type ${type} not documented for status ${status} (documented: ${Object.keys(resp.content).join(', ')})`];
    if (!media.schema) return [];
    const v = this.validator(media.schema);
    return v(body) ? [] : [`response ${status}: ${this.ajv.errorsText(v.errors)}`];
  }
}

/** OpenAPI `nullable: true` → JSON Schema (null allowed), also where it sits beside $ref/allOf without a type. */
function normalizeNullable(node: any): any {
  if (Array.isArray(node)) return node.map(normalizeNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = normalizeNullable(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string' && !out.$ref && !out.allOf && !out.anyOf && !out.oneOf) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  if (out.nullable === false) delete out.nullable;
  return out;
}

function rewriteRefs(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : rewriteRefs(v);
    return out;
  }
  return schema;
}

function mainType(schema: Json): string | undefined {
  const t = schema.type ?? schema.anyOf?.map(mainType).find((x: string | undefined) => x && x !== 'null');
  return Array.isArray(t) ? t.find((x) => x !== 'null') : t;
}

function itemsOf(schema: Json): Json {
  return schema.items ?? schema.anyOf?.find((s: Json) => s.items)?.items ?? {};
}

function coerce(raw: unknown, schema: Json): unknown {
  const type = mainType(schema);
  if (type === 'array') return (Array.isArray(raw) ? raw : [raw]).map((x) => coerce(x, itemsOf(schema)));
  if (typeof raw !== 'string') return raw;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}
