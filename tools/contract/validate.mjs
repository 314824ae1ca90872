#!/usr/bin/env node
// The OpenAPI contract test, part two: checks real exchanges against the document.
//
//   node tools/contract/validate.mjs --openapi openapi/openapi.yaml \
//        --exchanges exchanges.jsonl --unproduced tests/integration/contract/unproduced.yaml
//
// Each line of the exchanges file is one real response (method, target, status, headers, body
// in base64), as tests/integration/contract/scenarios.cpp records them. Everything checked is
// read from the document, nothing is hard-coded:
//   - the request's path and method must be an operation of the document (a 405 for a method
//     the path does not take is checked against the 405 of every operation of that path; HEAD
//     where only GET is documented against GET's response, with no body);
//   - its status must be documented for that operation (exactly, as a range like 4XX, or by
//     `default`), else "undocumented status";
//   - its Content-Type must be one of that response's media types, and the body must be valid
//     against that media type's schema. Schemas are closed: an object schema that does not say
//     `additionalProperties` admits no other member ("undocumented field"); under `allOf` the
//     whole composition is closed instead (`unevaluatedProperties: false`);
//   - headers the response documents must be valid against their schema, the `required` ones
//     present; a header the response does not document is an error, except the few that only
//     frame the HTTP message (see `transportHeaders`);
//   - coverage: every operation has at least one 2xx exchange, and every documented status of
//     every operation was produced, unless the unproduced list names it (with the reason) — and
//     a status on that list that was produced after all is an error too, so the list stays true.
// Exit status 0 when all holds, 1 otherwise (with every failure listed).

import fs from 'node:fs';
import zlib from 'node:zlib';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// Headers that frame the HTTP message rather than say anything an API client acts on; they
// need no entry in the document. Everything else the service sends must be documented.
const transportHeaders = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive',
  'transfer-encoding', 'server']);

function parseArgs(argv) {
  const args = {};
  for (let i = 2; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`usage: ${argv[1]} --openapi F --exchanges F --unproduced F`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const key of ['openapi', 'exchanges', 'unproduced']) {
    if (!args[key]) throw new Error(`missing --${key}`);
  }
  return args;
}

// --- the document -----------------------------------------------------------------------------

function resolvePointer(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(part in node)) throw new Error(`unresolvable $ref ${ref}`);
    node = node[part];
  }
  return node;
}

// A non-schema object of the document (response, header, parameter) with its $ref followed.
function follow(doc, node, seen = new Set()) {
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) throw new Error(`$ref cycle at ${node.$ref}`);
    seen.add(node.$ref);
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}

const openApiOnly = new Set(['discriminator', 'xml', 'externalDocs', 'example', 'nullable']);

// An OpenAPI 3.0/3.1 schema as a self-contained JSON Schema 2020-12 schema: $refs inlined,
// `nullable` as a type union, OpenAPI-only keywords dropped, and objects closed. `open`: this
// schema is a member of an allOf, whose parent closes the composition as a whole.
function toJsonSchema(doc, schema, open = false, refs = []) {
  if (schema === true || schema === false) return schema;
  if (schema === null || typeof schema !== 'object') throw new Error(`not a schema: ${JSON.stringify(schema)}`);
  if (typeof schema.$ref === 'string') {
    if (refs.includes(schema.$ref)) throw new Error(`recursive schema ${schema.$ref} is not supported`);
    const { $ref, ...siblings } = schema;
    const target = toJsonSchema(doc, resolvePointer(doc, $ref), open, [...refs, $ref]);
    const rest = Object.keys(siblings).filter((k) => k !== 'description' && k !== 'summary');
    return rest.length === 0 ? target : { allOf: [target], ...toJsonSchema(doc, siblings, open, refs) };
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (openApiOnly.has(key)) continue;
    switch (key) {
      case 'properties':
      case 'patternProperties':
      case '$defs':
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(doc, v, false, refs)]));
        break;
      case 'items':
      case 'additionalProperties':
      case 'unevaluatedProperties':
      case 'not':
      case 'contains':
      case 'propertyNames':
      case 'if':
      case 'then':
      case 'else':
        out[key] = typeof value === 'object' ? toJsonSchema(doc, value, false, refs) : value;
        break;
      case 'prefixItems':
      case 'oneOf':
      case 'anyOf':
        out[key] = value.map((v) => toJsonSchema(doc, v, false, refs));
        break;
      case 'allOf':
        out[key] = value.map((v) => toJsonSchema(doc, v, true, refs));
        break;
      default:
        out[key] = value;
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  const types = Array.isArray(out.type) ? out.type : out.type ? [out.type] : [];
  const objectish = types.includes('object') || 'properties' in out || 'required' in out;
  const saysWhatElse = 'additionalProperties' in out || 'unevaluatedProperties' in out || 'patternProperties' in out;
  if (!open && !saysWhatElse) {
    if ('allOf' in out) out.unevaluatedProperties = false;
    else if (objectish) out.additionalProperties = false;
  }
  return out;
}

// --- the exchanges ----------------------------------------------------------------------------

function pathMatchers(doc) {
  return Object.keys(doc.paths ?? {}).map((template) => {
    const segments = template.split('/');
    const pattern = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return {
      template,
      regex: new RegExp(`^${pattern.join('/')}$`),
      literals: segments.filter((s) => !/^\{[^}]+\}$/.test(s)).length,
    };
  });
}

function matchPath(matchers, path) {
  const found = matchers.filter((m) => m.regex.test(path));
  found.sort((a, b) => b.literals - a.literals);  // concrete paths before templated ones
  return found[0]?.template;
}

function responseFor(responses, status) {
  const exact = String(status);
  if (responses[exact]) return { key: exact, response: responses[exact] };
  const range = `${exact[0]}XX`;
  for (const key of Object.keys(responses)) {
    if (key.toUpperCase() === range) return { key, response: responses[key] };
  }
  if (responses.default) return { key: 'default', response: responses.default };
  return null;
}

function mediaTypeFor(content, contentType) {
  const base = contentType.split(';')[0].trim().toLowerCase();
  if (content[base]) return base;
  const [type] = base.split('/');
  if (content[`${type}/*`]) return `${type}/*`;
  if (content['*/*']) return '*/*';
  return null;
}

function isJson(mediaType) {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function headerValue(schema, text) {
  const types = Array.isArray(schema?.type) ? schema.type : [schema?.type];
  if ((types.includes('integer') || types.includes('number')) && /^-?[0-9]+(\.[0-9]+)?$/.test(text)) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function main() {
  const args = parseArgs(process.argv);
  const doc = YAML.parse(fs.readFileSync(args.openapi, 'utf8'));
  const unproduced = YAML.parse(fs.readFileSync(args.unproduced, 'utf8')) ?? {};
  const lines = fs.readFileSync(args.exchanges, 'utf8').split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error(`no exchanges in ${args.exchanges}`);

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const compiled = new Map();
  const validator = (key, schema) => {
    if (!compiled.has(key)) compiled.set(key, ajv.compile(toJsonSchema(doc, schema)));
    return compiled.get(key);
  };

  const matchers = pathMatchers(doc);
  const failures = [];
  const produced = new Map();  // "GET /path" -> Set of response keys
  const operationKeys = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']) {
      if (item[method]) operationKeys.push(`${method.toUpperCase()} ${template}`);
    }
  }
  for (const key of operationKeys) produced.set(key, new Set());

  for (const [index, line] of lines.entries()) {
    const exchange = JSON.parse(line);
    const where = `#${index + 1} [${exchange.scenario}] ${exchange.method} ${exchange.target} -> ${exchange.status}`;
    const fail = (message) => failures.push(`${where}: ${message}`);
    const path = exchange.target.split('?')[0];
    const template = matchPath(matchers, path);
    if (!template) {
      fail('the path is not in the document');
      continue;
    }
    const item = doc.paths[template];
    const method = exchange.method.toLowerCase();
    let operations = [];
    // HEAD where GET is documented (the document's convention): GET's response, without a body.
    const head = method === 'head' && !item.head && Boolean(item.get);
    if (item[method]) {
      operations = [[`${exchange.method} ${template}`, item[method]]];
    } else if (head) {
      operations = [[`GET ${template}`, item.get]];
    } else if (exchange.status === 405) {
      // A method the path does not take: each of the path's operations documents that 405.
      operations = operationKeys.filter((k) => k.endsWith(` ${template}`)).map((k) => [k, item[k.split(' ')[0].toLowerCase()]]);
    } else {
      fail(`${exchange.method} is not an operation of ${template}`);
      continue;
    }
    const body = (() => {
      const raw = Buffer.from(exchange.body_base64, 'base64');
      return (exchange.headers['content-encoding'] ?? '').toLowerCase() === 'gzip' ? zlib.gunzipSync(raw) : raw;
    })();

    for (const [operationKey, operation] of operations) {
      const found = responseFor(operation.responses ?? {}, exchange.status);
      if (!found) {
        fail(`undocumented status for ${operationKey} (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`);
        continue;
      }
      if (!head) produced.get(operationKey).add(found.key);
      const response = follow(doc, found.response);

      // Headers: the documented ones valid (and present when required), no undocumented one.
      const documented = new Map();
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        if (name.toLowerCase() === 'content-type') continue;  // OpenAPI: ignored, `content` says it
        documented.set(name.toLowerCase(), follow(doc, header));
      }
      for (const [name, header] of documented) {
        const value = exchange.headers[name];
        if (value === undefined) {
          if (header.required) fail(`required header ${name} is missing`);
          continue;
        }
        if (header.schema) {
          const validate = validator(`${operationKey} ${found.key} header ${name}`, header.schema);
          if (!validate(headerValue(header.schema, value))) {
            fail(`header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
          }
        }
      }
      for (const name of Object.keys(exchange.headers)) {
        if (!transportHeaders.has(name) && !documented.has(name)) {
          fail(`undocumented header ${name}: ${exchange.headers[name]}`);
        }
      }

      // The body, by its media type.
      const content = response.content ?? {};
      const contentType = exchange.headers['content-type'];
      if (head) {
        if (body.length > 0) fail('a body in the answer to HEAD');
        if (Object.keys(content).length > 0 && (!contentType || !mediaTypeFor(content, contentType))) {
          fail(`Content-Type ${contentType} is not documented for GET (documented: ${Object.keys(content).join(', ')})`);
        }
        continue;
      }
      if (Object.keys(content).length === 0) {
        if (body.length > 0) fail(`a body where the document has no content: ${body.toString('utf8').slice(0, 200)}`);
        continue;
      }
      if (!contentType) {
        fail(`no Content-Type (documented: ${Object.keys(content).join(', ')})`);
        continue;
      }
      const mediaType = mediaTypeFor(content, contentType);
      if (!mediaType) {
        fail(`Content-Type ${contentType} is not documented (documented: ${Object.keys(content).join(', ')})`);
        continue;
      }
      const schema = content[mediaType].schema;
      const text = body.toString('utf8');
      let instance = text;
      if (isJson(mediaType)) {
        try {
          instance = JSON.parse(text);
        } catch (e) {
          fail(`the body is not JSON: ${e.message}`);
          continue;
        }
      } else if (mediaType.endsWith('/yaml') || mediaType.endsWith('+yaml')) {
        try {
          YAML.parse(text);
        } catch (e) {
          fail(`the body is not YAML: ${e.message}`);
          continue;
        }
      }
      // RFC 9457: a problem's `status` member is the HTTP status it came with.
      if (mediaType === 'application/problem+json' && instance && typeof instance === 'object' &&
          'status' in instance && instance.status !== exchange.status) {
        fail(`the problem says status ${instance.status}`);
      }
      if (schema) {
        const validate = validator(`${operationKey} ${found.key} ${mediaType}`, schema);
        if (!validate(instance)) {
          const errors = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}${
            e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}${
            e.params?.unevaluatedProperty ? ` (${e.params.unevaluatedProperty})` : ''}`);
          fail(`the body does not match the ${mediaType} schema of ${found.key}: ${[...new Set(errors)].join('; ')}\n    body: ${text.slice(0, 400)}`);
        }
      }
    }
  }

  // Coverage.
  const report = [];
  for (const key of operationKeys) {
    const [method, template] = [key.split(' ')[0], key.slice(key.indexOf(' ') + 1)];
    const operation = doc.paths[template][method.toLowerCase()];
    const documented = Object.keys(operation.responses ?? {});
    const got = produced.get(key);
    const allowed = unproduced[key] ?? {};
    for (const status of Object.keys(allowed)) {
      if (!documented.includes(status)) failures.push(`${key}: the unproduced list names ${status}, which the document does not list`);
    }
    if (![...got].some((k) => k.startsWith('2'))) failures.push(`${key}: no successful exchange`);
    const missing = documented.filter((s) => !got.has(s));
    for (const status of missing) {
      if (!(status in allowed)) failures.push(`${key}: documented status ${status} was never produced`);
    }
    for (const status of Object.keys(allowed)) {
      if (got.has(status)) failures.push(`${key}: ${status} is on the unproduced list but was produced; remove it from the list`);
    }
    report.push(`  ${key}: produced ${[...got].sort().join(' ')}${missing.length ? `; not produced ${missing.join(' ')}` : ''}`);
  }
  for (const key of Object.keys(unproduced)) {
    if (!produced.has(key)) failures.push(`the unproduced list names ${key}, which is not an operation of the document`);
  }

  console.log(`contract: ${lines.length} exchanges, ${operationKeys.length} operations`);
  console.log(report.join('\n'));
  if (failures.length > 0) {
    console.error(`\ncontract: ${failures.length} failure(s):`);
    for (const failure of failures) console.error(`- ${failure}`);
    process.exit(1);
  }
  console.log('contract: every exchange matches the document');
}

try {
  main();
} catch (e) {
  console.error(`contract: ${e.stack ?? e}`);
  process.exit(1);
}
