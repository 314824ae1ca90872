// The Node.js baseline of bench/run.sh: GET /v1/balances over the same five simulated gateways,
// written the usual Node.js way — Fastify for HTTP in, undici pools for HTTP out, JSON.parse and
// JSON.stringify — with the same caching rules as coinfan: the serialized answer is cached for
// `cache.fresh_ms`, identical requests share the fan-out in flight, `max_age_ms=0` skips the
// cache (and, as in coinfan, joins a fan-out already in flight). Amounts are added and multiplied as BigInt fixed-point decimals (never as JS
// numbers), as a careful Node.js service would.
//
// Usage: node aggregator.mjs --config coinfan.json --port 18082
// Reads the gateways of a coinfan configuration (the one bench_env writes); loopback only.

import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { Pool } from 'undici';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const config = JSON.parse(readFileSync(arg('--config'), 'utf8'));
const port = Number(arg('--port', '18082'));
const freshMs = config.cache?.fresh_ms ?? 5000;

// ---- decimals as {i: BigInt, s: scale} -------------------------------------------------------
function dec(value) {
  const text = String(value);
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal: ${text}`);
  let digits = m[2] + (m[3] ?? '');
  let scale = (m[3] ?? '').length - Number(m[4] ?? 0);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  return { i: BigInt(m[1] + (digits || '0')), s: scale };
}
const ZERO = { i: 0n, s: 0 };
const pow10 = (n) => 10n ** BigInt(n);
function add(a, b) {
  if (a.s === b.s) return { i: a.i + b.i, s: a.s };
  return a.s < b.s ? { i: a.i * pow10(b.s - a.s) + b.i, s: b.s } : { i: a.i + b.i * pow10(a.s - b.s), s: a.s };
}
const mul = (a, b) => ({ i: a.i * b.i, s: a.s + b.s });
function div(a, b, places) {
  if (b.i === 0n) return null;
  const shift = places + b.s - a.s;
  const n = shift >= 0 ? a.i * pow10(shift) : a.i / pow10(-shift);
  return { i: n / b.i, s: places };
}
function str(v) {
  if (v === null) return null;
  let { i, s } = v;
  while (s > 0 && i % 10n === 0n) {
    i /= 10n;
    s -= 1;
  }
  const neg = i < 0n;
  let digits = (neg ? -i : i).toString();
  if (s > 0) {
    digits = digits.padStart(s + 1, '0');
    digits = `${digits.slice(0, -s)}.${digits.slice(-s)}`;
  }
  return (neg ? '-' : '') + digits;
}

// ---- upstream ----------------------------------------------------------------------------------
const pools = new Map();
function pool(gateway) {
  let p = pools.get(gateway.id);
  if (!p) {
    p = new Pool(gateway.base_url, { connections: gateway.max_concurrency ?? 16, pipelining: 1 });
    pools.set(gateway.id, p);
  }
  return p;
}
async function call(gateway, options) {
  const { statusCode, headers, body } = await pool(gateway).request(options);
  const text = await body.text();
  if (statusCode !== 200) throw new Error(`${gateway.id}: HTTP ${statusCode}`);
  return { headers, text };
}

const tokens = new Map(); // gateway id -> Promise<{token, expires}>
function cachedToken(gateway, fetchToken) {
  const held = tokens.get(gateway.id);
  if (held) {
    return held.then((t) => {
      if (t.expires - Date.now() > 60000) return t.token;
      tokens.delete(gateway.id);
      return cachedToken(gateway, fetchToken);
    });
  }
  const p = fetchToken();
  tokens.set(gateway.id, p);
  p.catch(() => tokens.delete(gateway.id));
  return p.then((t) => t.token);
}

const fetchers = {
  async 'ccpayment-v2'(g) {
    const ts = String(Math.floor(Date.now() / 1000));
    const sign = createHmac('sha256', g.app_secret).update(g.app_id + ts).digest('hex');
    const { text } = await call(g, {
      method: 'POST', path: '/ccpayment/v2/getAppCoinAssetList', body: '',
      headers: { appid: g.app_id, timestamp: ts, sign, 'content-type': 'application/json' },
    });
    const doc = JSON.parse(text);
    if (doc.code !== 10000) throw new Error(`${g.id}: code ${doc.code}`);
    return doc.data.assets.map((a) => ({
      asset: a.coinSymbol, raw: String(a.coinId), network: null,
      total: dec(a.available === '' ? '0' : a.available), available: dec(a.available === '' ? '0' : a.available),
      locked: ZERO, price: null,
    }));
  },
  async 'ccpayment-v1'(g) {
    const ts = String(Math.floor(Date.now() / 1000));
    const sign = createHash('sha256').update(g.app_id + g.app_secret + ts).digest('hex');
    const { headers, text } = await call(g, {
      method: 'POST', path: '/ccpayment/v1/assets', body: '',
      headers: { appid: g.app_id, timestamp: ts, sign, 'content-type': 'application/json; charset=utf-8' },
    });
    const expected = createHash('sha256').update(g.app_id + g.app_secret + headers.timestamp + text).digest('hex');
    if (expected !== String(headers.sign).toLowerCase()) throw new Error(`${g.id}: bad response signature`);
    const doc = JSON.parse(text);
    if (doc.code !== 10000) throw new Error(`${g.id}: code ${doc.code}`);
    return doc.data.list.map((c) => ({
      asset: c.crypto, raw: c.coin_id, network: null, total: dec(c.value), available: dec(c.value), locked: ZERO,
      price: dec(c.price),
    }));
  },
  async cryptocloud(g) {
    const { text } = await call(g, {
      method: 'POST', path: '/v2/merchant/wallet/balance/all', headers: { authorization: `Token ${g.api_key}` },
    });
    const doc = JSON.parse(text);
    if (doc.status !== 'success') throw new Error(`${g.id}: ${doc.status}`);
    return doc.result.map((b) => {
      const total = dec(b.balance_crypto);
      return {
        asset: b.currency.short_code, raw: b.currency.code, network: b.currency.obj_network?.code ?? null,
        total, available: dec(b.available_balance), locked: ZERO, price: div(dec(b.balance_usd), total, 8),
      };
    });
  },
  async trubit(g) {
    const token = await cachedToken(g, async () => {
      const ms = String(Date.now());
      const signature = createHmac('sha256', g.api_secret).update(`timestamp=${ms}`).digest('hex');
      const { text } = await call(g, {
        method: 'GET', path: `/v2/token/generate?timestamp=${ms}&signature=${signature}`,
        headers: { 'x-bh-apikey': g.api_key },
      });
      const doc = JSON.parse(text);
      return { token: doc.data.token, expires: Number(doc.data.expireTime) };
    });
    const { text } = await call(g, { method: 'GET', path: '/v2/user/account/assets', headers: { 'x-bh-token': token } });
    const doc = JSON.parse(text);
    if (doc.code !== 200) throw new Error(`${g.id}: code ${doc.code}`);
    return doc.data.balances.map((b) => ({
      asset: b.asset, raw: b.assetId, network: null, total: dec(b.total), available: dec(b.free),
      locked: dec(b.locked), price: null,
    }));
  },
  async kuna(g) {
    const token = await cachedToken(g, async () => {
      const { text } = await call(g, {
        method: 'POST', path: '/v2/auth/login', body: JSON.stringify({ token: g.email, password: g.password }),
        headers: { 'content-type': 'application/json', merchant_id: g.merchant_id },
      });
      const accessToken = JSON.parse(text).data.accessToken;
      const payload = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'));
      return { token: accessToken, expires: payload.exp * 1000 };
    });
    const { text } = await call(g, {
      method: 'POST', path: '/v2/balance', body: JSON.stringify({ walletId: g.wallet_id }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    return JSON.parse(text).data.map((b) => {
      const locked = add(add(dec(b.holdBalance), dec(b.lockBalance)), ZERO);
      const total = dec(b.balance);
      return { asset: b.asset, raw: b.asset, network: null, total, available: total, locked, price: null };
    });
  },
};

// ---- the merged view ------------------------------------------------------------------------------
async function fanOut() {
  const gateways = config.gateways.filter((g) => g.enabled !== false);
  const results = await Promise.all(gateways.map(async (g) => {
    const started = performance.now();
    try {
      const rows = await fetchers[g.type](g);
      return { g, rows, latency: Math.round(performance.now() - started) };
    } catch (error) {
      return { g, rows: [], latency: Math.round(performance.now() - started), error: String(error.message ?? error) };
    }
  }));
  const prices = new Map();
  for (const r of results) for (const row of r.rows) if (row.price && !prices.has(row.asset)) prices.set(row.asset, row.price);
  const balances = [];
  const totals = new Map();
  let usdTotal = ZERO;
  const unpriced = new Set();
  for (const r of results) {
    for (const row of r.rows) {
      const price = row.price ?? prices.get(row.asset) ?? null;
      const usd = price ? mul(row.total, price) : null;
      if (usd) usdTotal = add(usdTotal, usd);
      else unpriced.add(row.asset);
      balances.push({
        gateway: r.g.id, asset: row.asset, network: row.network, total: str(row.total),
        available: str(row.available), locked: str(row.locked), usd_price: str(price), usd_value: str(usd),
        raw_asset: row.raw,
      });
      const t = totals.get(row.asset) ?? { total: ZERO, available: ZERO, locked: ZERO, usd: ZERO, priced: true };
      t.total = add(t.total, row.total);
      t.available = add(t.available, row.available);
      t.locked = add(t.locked, row.locked);
      if (usd) t.usd = add(t.usd, usd);
      else t.priced = false;
      totals.set(row.asset, t);
    }
  }
  const body = {
    as_of: new Date().toISOString(),
    complete: results.every((r) => !r.error),
    usd_total: str(usdTotal),
    unpriced_assets: [...unpriced].sort(),
    balances,
    totals: [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([asset, t]) => ({
      asset, total: str(t.total), available: str(t.available), locked: str(t.locked),
      usd_value: t.priced ? str(t.usd) : null,
    })),
    gateways: results.map((r) => ({
      id: r.g.id, type: r.g.type, status: r.error ? 'error' : 'ok', latency_ms: r.latency, cached: false, age_ms: null,
      ...(r.error ? { error: { code: 'upstream_error', detail: r.error } } : {}),
    })),
  };
  return Buffer.from(JSON.stringify(body));
}

let cached = null; // {body, at}
let inFlight = null;
// Like coinfan: identical requests that need a fan-out share the one in flight, also with
// max_age_ms=0, which is what coinfan does (bench/run.sh counts the upstream calls of both).
function balancesView(maxAgeMs) {
  const limit = maxAgeMs === undefined ? freshMs : Math.min(freshMs, maxAgeMs);
  if (cached && Date.now() - cached.at < limit) return { body: cached.body, age: Date.now() - cached.at };
  if (!inFlight) {
    inFlight = fanOut().then((body) => {
      cached = { body, at: Date.now() };
      inFlight = null;
      return { body };
    }, (error) => {
      inFlight = null;
      throw error;
    });
  }
  return inFlight;
}

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/v1/balances', async (request, reply) => {
  const raw = request.query.max_age_ms;
  if (raw !== undefined && !/^\d{1,12}$/.test(raw)) {
    reply.code(400);
    return { code: 'invalid_argument', detail: 'max_age_ms' };
  }
  const answer = await balancesView(raw === undefined ? undefined : Number(raw));
  reply.header('content-type', 'application/json');
  if (answer.age !== undefined) reply.header('age', String(Math.floor(answer.age / 1000)));
  return reply.send(answer.body);
});
await app.listen({ host: '127.0.0.1', port });
console.log(`node aggregator on 127.0.0.1:${port}, ${config.gateways.length} gateways`);
