#!/usr/bin/env node
// Proves that validate.mjs fails when the service breaks the contract: each case takes the
// real exchanges, breaks one thing (a field the document does not name, a status it does not
// list, a missing required header, ...) and expects validate.mjs to exit 1 naming it.
//
//   node tools/contract/selftest.mjs --openapi F --exchanges F --unproduced F

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const validator = path.join(path.dirname(fileURLToPath(import.meta.url)), 'validate.mjs');
const exchanges = fs.readFileSync(args.exchanges, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

const decode = (e) => JSON.parse(Buffer.from(e.body_base64, 'base64').toString('utf8'));
const encode = (e, body) => ({ ...e, body_base64: Buffer.from(JSON.stringify(body)).toString('base64') });
const pick = (predicate, what) => {
  const found = exchanges.find(predicate);
  if (!found) throw new Error(`no exchange ${what} to break`);
  return structuredClone(found);
};
const isJsonBody = (e) => (e.headers['content-type'] ?? '').includes('json');

const cases = [
  {
    name: 'a member the document does not name, deep in a success body',
    expect: 'must NOT have additional properties',
    mutate: (list) => {
      const e = pick((x) => x.status === 200 && x.target.startsWith('/v1/balances') && isJsonBody(x), 'balances 200');
      const body = decode(e);
      body.balances[0].unexpected = 'x';
      return [...list, encode(e, body)];
    },
  },
  {
    name: 'a member the document does not name, in a composed (allOf) problem',
    expect: 'must NOT have unevaluated properties',
    mutate: (list) => {
      const e = pick((x) => x.status === 409, '409');
      return [...list, encode(e, { ...decode(e), unexpected: 1 })];
    },
  },
  {
    name: 'a value of the wrong type',
    expect: 'must be integer',
    mutate: (list) => {
      const e = pick((x) => x.status === 200 && x.target === '/v1/gateways', 'gateways 200');
      const body = decode(e);
      body.gateways[0].requests = String(body.gateways[0].requests);
      return [...list, encode(e, body)];
    },
  },
  {
    name: 'a problem whose status member is not its HTTP status',
    expect: 'the problem says status 500',
    mutate: (list) => {
      const e = pick((x) => x.status === 404, '404');
      return [...list, encode(e, { ...decode(e), status: 500 })];
    },
  },
  {
    name: 'a status the operation does not document',
    expect: 'undocumented status',
    mutate: (list) => [...list, { ...pick((x) => x.target === '/v1/gateways' && x.status === 200, 'gateways 200'), status: 418 }],
  },
  {
    name: 'a required header missing',
    expect: 'required header x-request-id is missing',
    mutate: (list) => {
      const e = pick((x) => x.target === '/healthz' && x.status === 200, 'healthz 200');
      delete e.headers['x-request-id'];
      return [...list, e];
    },
  },
  {
    name: 'a header the response does not document',
    expect: 'undocumented header x-unexpected',
    mutate: (list) => {
      const e = pick((x) => x.target === '/healthz' && x.status === 200, 'healthz 200');
      e.headers['x-unexpected'] = '1';
      return [...list, e];
    },
  },
  {
    name: 'a Content-Type the response does not document',
    expect: 'is not documented',
    mutate: (list) => {
      const e = pick((x) => x.target === '/healthz' && x.status === 200, 'healthz 200');
      e.headers['content-type'] = 'text/html';
      return [...list, e];
    },
  },
  {
    name: 'a path the document does not have',
    expect: 'the path is not in the document',
    mutate: (list) => [...list, { ...pick((x) => x.target === '/healthz', 'healthz'), target: '/v2/unknown' }],
  },
  {
    name: 'a documented status never produced',
    expect: 'documented status 409 was never produced',
    mutate: (list) => list.filter((x) => x.status !== 409),
  },
  {
    name: 'an operation without a successful exchange',
    expect: 'GET /v1/coins: no successful exchange',
    mutate: (list) => list.filter((x) => !(x.target.startsWith('/v1/coins') && x.status < 300)),
  },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coinfan-contract-selftest-'));
let failed = 0;
for (const [i, c] of cases.entries()) {
  const file = path.join(dir, `case-${i}.jsonl`);
  fs.writeFileSync(file, c.mutate(exchanges).map((e) => JSON.stringify(e)).join('\n') + '\n');
  const run = spawnSync(process.execPath, [validator, '--openapi', args.openapi, '--exchanges', file,
    '--unproduced', args.unproduced], { encoding: 'utf8' });
  const ok = run.status === 1 && run.stderr.includes(c.expect);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.name}`);
  if (!ok) {
    failed += 1;
    console.log(`     expected exit 1 naming "${c.expect}"; got exit ${run.status}\n${run.stderr.slice(0, 2000)}`);
  }
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(failed === 0 ? `selftest: all ${cases.length} violations caught` : `selftest: ${failed} of ${cases.length} not caught`);
process.exit(failed === 0 ? 0 : 1);
