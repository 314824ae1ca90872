// coinfan treasury dashboard. Plain ES module, no dependencies.
// Every value from a gateway is untrusted: the DOM is built with createElement/textContent only.
// Amounts are decimal strings and stay strings; sums use BigInt (see dec below).

const KEY_STORAGE = 'coinfan.apiKey';
const RECORDS_LIMIT = 10;          // records per page ("Older" loads the next page)
const MIN_AUTO_MS = 5000;          // never load automatically more often than this
const HIDDEN_MIN_MS = 60000;       // a hidden tab waits at least this long, doubling up to the max
const HIDDEN_MAX_MS = 600000;
const DEFAULT_FRESH_S = 30;        // when a response says nothing about its freshness
const STALE_MIN_MS = 10000;        // a gateway's data is called stale past max(2 × max-age, this)

// ---------- exact decimals ----------

const DEC_RE = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

export const dec = {
  parse(s) {
    const m = DEC_RE.exec(String(s));
    if (!m) return null;
    return { neg: m[1] === '-', int: m[2], frac: m[3] || '' };
  },
  toScaled(p, scale) {
    const digits = p.int + p.frac.padEnd(scale, '0');
    const v = BigInt(digits);
    return p.neg ? -v : v;
  },
  format(v, scale) {
    const neg = v < 0n;
    let s = (neg ? -v : v).toString();
    if (scale > 0) {
      s = s.padStart(scale + 1, '0');
      let int = s.slice(0, s.length - scale);
      let frac = s.slice(s.length - scale).replace(/0+$/, '');
      s = frac ? `${int}.${frac}` : int;
    }
    if (neg && s !== '0') s = '-' + s;
    return s;
  },
  // Exact sum of decimal strings; non-decimals (null, '') are skipped.
  sum(values) {
    const parts = values.map((v) => (v == null ? null : dec.parse(v))).filter(Boolean);
    if (!parts.length) return '0';
    const scale = Math.max(...parts.map((p) => p.frac.length));
    let total = 0n;
    for (const p of parts) total += dec.toScaled(p, scale);
    return dec.format(total, scale);
  },
  add(a, b) { return dec.sum([a, b]); },
  // -1, 0, 1; null sorts below every number.
  compare(a, b) {
    const pa = a == null ? null : dec.parse(a);
    const pb = b == null ? null : dec.parse(b);
    if (!pa && !pb) return 0;
    if (!pa) return -1;
    if (!pb) return 1;
    const scale = Math.max(pa.frac.length, pb.frac.length);
    const x = dec.toScaled(pa, scale);
    const y = dec.toScaled(pb, scale);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  isZero(s) {
    const p = dec.parse(s);
    return !!p && /^0*$/.test(p.int + p.frac);
  },
};

// Groups the integer part in threes for reading; the digits stay exactly those given.
function readable(s) {
  if (s == null) return '–';
  const p = dec.parse(s);
  if (!p) return String(s);
  const int = p.int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (p.neg ? '-' : '') + int + (p.frac ? '.' + p.frac : '');
}

// ---------- DOM helpers ----------

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

function show(node, text, isError) {
  node.textContent = text;
  node.hidden = !text;
  if (isError !== undefined) node.classList.toggle('error', !!isError);
}

// ---------- API access ----------

const state = {
  key: sessionStorage.getItem(KEY_STORAGE),
  session: null,          // GET /v1/session body, or a fallback
  canRead: false,
  balances: null,         // last BalanceView (or the gateway list of a 502)
  balancesError: null,
  health: null,           // GET /v1/gateways body
  prices: null,           // GET /v1/prices body
  dataAt: null,           // ms epoch the shown balances were fetched (now - Age)
  lastLoadAt: 0,
  freshMs: DEFAULT_FRESH_S * 1000,
  timer: null,
  hiddenDelay: HIDDEN_MIN_MS,
  loading: false,
  sort: { key: 'asset', dir: 1 },
  hideZero: false,
  records: { keys: new Set(), cursor: null, query: null, loading: false, count: 0 },
  transfer: null,         // { gatewayId, body } under review
  sending: false,
};

class ApiError extends Error {
  constructor(status, problem, message) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

async function api(path, { method = 'GET', body, scope = 'read' } = {}) {
  const headers = { Accept: 'application/json' };
  if (state.key) headers.Authorization = `Bearer ${state.key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (response.status === 401) onUnauthorized(data);
  else if (response.status === 403 && method === 'GET') onForbidden(scope, data);
  return { status: response.status, ok: response.ok, headers: response.headers, data };
}

function problemText(p, fallback) {
  if (p && typeof p === 'object') {
    const code = typeof p.code === 'string' ? p.code : '';
    const detail = typeof p.detail === 'string' ? p.detail : '';
    if (code || detail) return code && detail ? `${code}: ${detail}` : code || detail;
  }
  return fallback;
}

// ---------- keys ----------

function openKeyForm(message) {
  $('key-panel').hidden = false;
  $('use-key').setAttribute('aria-expanded', 'true');
  if (message !== undefined) show($('auth-message'), message);
  $('key-input').focus();
}

function closeKeyForm() {
  $('key-panel').hidden = true;
  $('use-key').setAttribute('aria-expanded', 'false');
}

function onUnauthorized(problem) {
  const detail = problemText(problem, '');
  const msg = state.key
    ? `401: the key was not accepted${detail ? ` (${detail})` : ''}. Enter another key.`
    : `401: this service needs an API key${detail ? ` (${detail})` : ''}.`;
  if (state.key) {
    state.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
  }
  state.canRead = false;
  stopAutoRefresh();
  updateSessionLine();
  openKeyForm(msg);
}

function onForbidden(scope, problem) {
  const detail = problemText(problem, '');
  show($('auth-message'), `403: this key lacks the ${scope} scope${detail ? ` (${detail})` : ''}.`);
}

function updateSessionLine() {
  const s = state.session;
  let text;
  if (!s) text = state.key ? 'Using a key' : 'No key';
  else {
    const who = s.key ? `Using key “${s.key}”` : state.key ? 'Using a key' : 'Reading without a key';
    text = `${who} · scopes: ${(s.scopes || []).join(', ') || 'none'}`;
    if (s.keys_required && !state.key) text = 'A key is required to read';
  }
  $('session-line').textContent = text;
  $('forget-key').hidden = !state.key;
}

async function loadSession() {
  let r;
  try {
    r = await api('/v1/session');
  } catch (e) {
    show($('load-message'), `Could not reach the service: ${e.message}`);
    state.session = null;
    return false;
  }
  if (r.status === 200 && r.data) {
    state.session = r.data;
  } else if (r.status === 401) {
    state.session = null;
    return false;
  } else {
    // An older service without /v1/session: reads are tried, writes offered with a key.
    state.session = { key: null, scopes: state.key ? ['read', 'write'] : ['read'], keys_required: false, assumed: true };
  }
  state.canRead = (state.session.scopes || []).includes('read');
  updateSessionLine();
  if (!state.canRead) {
    openKeyForm(state.key ? '403: this key lacks the read scope.' : 'A key with the read scope is needed.');
  }
  return state.canRead;
}

function hasWrite() {
  return !!state.session && (state.session.scopes || []).includes('write');
}

// ---------- balances, gateways, prices ----------

function parseCacheControl(h) {
  const m = /(?:^|[,\s])max-age=(\d+)/i.exec(h || '');
  return m ? Number(m[1]) : null;
}

async function loadViews({ fresh = false } = {}) {
  if (state.loading || !state.canRead) return;
  state.loading = true;
  state.lastLoadAt = Date.now();
  $('refresh').disabled = true;
  let ageS = 0;
  let maxAgeS = null;
  try {
    const q = fresh ? '?max_age_ms=0' : '';
    const [b, g] = await Promise.all([
      api('/v1/balances' + q),
      api('/v1/gateways').catch(() => null),
    ]);
    // The price book (for outlier notes) after the balances: it shares their gateway calls,
    // so it is served from what they just fetched.
    const p = b.ok ? await api('/v1/prices').catch(() => null) : null;
    if (b.status === 401 || b.status === 403) return;
    state.health = g && g.ok ? g.data : state.health;
    state.prices = p && p.ok ? p.data : null;
    if (b.ok && b.data) {
      state.balances = b.data;
      state.balancesError = null;
      ageS = Number(b.headers.get('Age') || 0) || 0;
      maxAgeS = parseCacheControl(b.headers.get('Cache-Control'));
      if (maxAgeS != null) state.freshMs = maxAgeS * 1000;
      state.dataAt = Date.now() - ageS * 1000;
      show($('load-message'), '');
    } else {
      // 502 all_gateways_failed still lists each gateway with its error.
      const prob = b.data || {};
      state.balancesError = problemText(prob, `HTTP ${b.status}`);
      if (Array.isArray(prob.gateways)) {
        state.balances = {
          as_of: prob.as_of, complete: false, usd_total: null, unpriced_assets: [],
          balances: [], totals: [], gateways: prob.gateways, failed: true,
        };
      }
      show($('load-message'), `Balances could not be loaded: ${state.balancesError}`);
    }
    renderAll();
  } catch (e) {
    show($('load-message'), `Could not reach the service: ${e.message}`);
  } finally {
    state.loading = false;
    $('refresh').disabled = false;
    scheduleNext(ageS, maxAgeS);
  }
}

function stopAutoRefresh() {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
}

// The next automatic load: when the shown data stops being fresh (max-age minus Age),
// never sooner than MIN_AUTO_MS after the last load; hidden tabs back off.
function scheduleNext(ageS, maxAgeS) {
  stopAutoRefresh();
  if (!state.canRead) return;
  const freshS = maxAgeS != null ? maxAgeS : DEFAULT_FRESH_S;
  let delay = Math.max(MIN_AUTO_MS, (freshS - ageS) * 1000 + 250);
  if (document.hidden) {
    delay = Math.max(delay, state.hiddenDelay);
    state.hiddenDelay = Math.min(state.hiddenDelay * 2, HIDDEN_MAX_MS);
  } else {
    state.hiddenDelay = HIDDEN_MIN_MS;
  }
  state.timer = setTimeout(() => loadViews(), delay);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden || !state.canRead || state.loading) return;
  state.hiddenDelay = HIDDEN_MIN_MS;
  const since = Date.now() - state.lastLoadAt;
  const stale = state.dataAt == null || Date.now() - state.dataAt >= state.freshMs;
  if (stale) {
    stopAutoRefresh();
    state.timer = setTimeout(() => loadViews(), Math.max(0, MIN_AUTO_MS - since));
  }
});

function tickUpdated() {
  const node = $('updated');
  if (state.dataAt == null) return;
  const s = Math.max(0, Math.floor((Date.now() - state.dataAt) / 1000));
  node.textContent = `updated ${s} s ago`;
  node.setAttribute('data-seconds', String(s));
  if (state.balances && state.balances.as_of) node.title = `assembled at ${state.balances.as_of}`;
}

// ---------- rendering ----------

const PALETTE = ['#0b57d0', '#e8710a', '#188038', '#a142f4', '#d93025', '#007b83', '#9e6a03', '#5f6368', '#c5221f', '#1967d2'];

function renderAll() {
  renderTotal();
  renderAssets();
  renderGateways();
  renderCharts();
  fillGatewaySelects();
  renderTransferPanel();
  tickUpdated();
}

function renderTotal() {
  const v = state.balances;
  const node = $('usd-total');
  const value = v && v.usd_total != null ? String(v.usd_total) : '';
  node.setAttribute('data-value', value);
  node.setAttribute('data-as-of', v && v.as_of ? String(v.as_of) : '');
  node.textContent = value ? readable(value) : '–';
  const notes = [];
  const troubled = mergedGateways().map((g) => ({ g, status: gatewayStatus(g) })).filter((x) => x.status !== 'ok');
  const failed = troubled.filter((x) => x.status === 'error').map((x) => {
    const e = (x.g.view && x.g.view.error) || (x.g.health && x.g.health.last_error);
    return `${x.g.id} failed (${e && e.code ? e.code : 'error'})`;
  });
  const stale = troubled.filter((x) => x.status === 'stale').map((x) => x.g.id);
  if (failed.length) notes.push(`Incomplete: ${failed.join(', ')}; see Gateways.`);
  else if (v && v.complete === false) notes.push('Incomplete: at least one gateway failed; see Gateways.');
  if (stale.length) notes.push(`Older data shown for ${stale.join(', ')}.`);
  if (v && Array.isArray(v.unpriced_assets) && v.unpriced_assets.length) {
    notes.push(`Not priced, so not in the total: ${v.unpriced_assets.join(', ')}.`);
  }
  $('total-note').textContent = notes.join(' ');
}

function outliersByAsset() {
  const out = new Map();
  const prices = state.prices && Array.isArray(state.prices.prices) ? state.prices.prices : [];
  for (const p of prices) {
    const list = (p.sources || []).filter((s) => s && s.outlier);
    if (list.length) out.set(p.asset, list);
  }
  return out;
}

function renderAssets() {
  const body = $('assets-body');
  const v = state.balances;
  const totals = v && Array.isArray(v.totals) ? v.totals.slice() : [];
  const { key, dir } = state.sort;
  totals.sort((a, b) => {
    let c;
    if (key === 'asset') c = String(a.asset).localeCompare(String(b.asset));
    else c = dec.compare(a[key], b[key]);
    if (c === 0) c = String(a.asset).localeCompare(String(b.asset));
    return c * dir;
  });
  const outliers = outliersByAsset();
  const rows = [];
  for (const t of totals) {
    if (state.hideZero && dec.isZero(t.total)) continue;
    const numCell = (field, val) => el('td', { class: 'num', 'data-field': field, 'data-value': val == null ? '' : String(val) }, readable(val));
    const sources = Array.isArray(t.price_sources) ? t.price_sources.map(String) : [];
    const srcCell = el('td', { class: 'wrap sources', 'data-field': 'price_sources' }, sources.length ? sources.join(', ') : 'no price');
    for (const o of outliers.get(t.asset) || []) {
      srcCell.append(el('div', { class: 'outlier' }, `left out: ${o.name} ${o.usd}${o.outlier_reason ? ` (${o.outlier_reason})` : ''}`));
    }
    rows.push(el('tr', { 'data-asset': String(t.asset) },
      el('th', { scope: 'row' }, String(t.asset)),
      numCell('total', t.total),
      numCell('available', t.available),
      numCell('locked', t.locked),
      numCell('usd_price', t.usd_price),
      numCell('usd_value', t.usd_value),
      srcCell));
  }
  if (!rows.length) rows.push(el('tr', null, el('td', { colspan: 7, class: 'note' }, v ? 'No balances to show.' : 'Loading…')));
  body.replaceChildren(...rows);
  for (const btn of document.querySelectorAll('button[data-sort]')) {
    const active = btn.getAttribute('data-sort') === key;
    const th = btn.closest('th');
    if (active) {
      btn.setAttribute('data-dir', dir > 0 ? 'asc' : 'desc');
      th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
    } else {
      btn.removeAttribute('data-dir');
      th.removeAttribute('aria-sort');
    }
  }
}

function fmtMs(ms) {
  if (ms == null) return '–';
  const n = Number(ms);
  if (!Number.isFinite(n)) return String(ms);
  if (n < 1000) return `${n} ms`;
  const s = Math.round(n / 1000);
  if (s < 120) return `${s} s`;
  return `${Math.round(s / 60)} min`;
}

function mergedGateways() {
  const list = [];
  const seen = new Map();
  const view = state.balances && Array.isArray(state.balances.gateways) ? state.balances.gateways : [];
  for (const g of view) {
    const item = { id: String(g.id), type: g.type, view: g, health: null };
    seen.set(item.id, item);
    list.push(item);
  }
  const health = state.health && Array.isArray(state.health.gateways) ? state.health.gateways : [];
  for (const h of health) {
    const id = String(h.id);
    let item = seen.get(id);
    if (!item) {
      item = { id, type: h.type, view: null, health: null };
      seen.set(id, item);
      list.push(item);
    }
    item.health = h;
    if (!item.type) item.type = h.type;
  }
  return list;
}

function gatewayStatus(item) {
  const v = item.view;
  if (!v) return item.health && item.health.health === 'unhealthy' ? 'error' : 'stale';
  if (v.status === 'error') return 'error';
  // Just past max-age is normal (served while revalidating); twice that is old data.
  if (v.cached && v.age_ms != null && Number(v.age_ms) > Math.max(2 * state.freshMs, STALE_MIN_MS)) return 'stale';
  if (v.age_ms == null) return 'stale';
  return 'ok';
}

function renderGateways() {
  const wrap = $('gateways');
  const balances = state.balances && Array.isArray(state.balances.balances) ? state.balances.balances : [];
  const cards = [];
  for (const item of mergedGateways()) {
    const status = gatewayStatus(item);
    const v = item.view || {};
    const h = item.health || {};
    const badgeText = { ok: 'OK', error: 'Error', stale: 'Stale' }[status];
    const card = el('article', { class: 'card', 'data-testid': 'gateway', 'data-gateway': item.id, 'data-status': status, 'aria-labelledby': `gw-${item.id}-h` });
    card.append(el('div', { class: 'card-head' },
      el('h3', { id: `gw-${item.id}-h` }, item.id),
      el('span', { class: 'type' }, String(item.type || '')),
      el('span', { class: `badge ${status}`, 'data-testid': 'gateway-badge' }, badgeText)));

    if (status === 'error') {
      const err = v.error || h.last_error || {};
      const parts = [String(err.code || 'error'), String(err.detail || (item.view ? 'the latest call failed' : 'not in the balances view'))];
      if (err.provider_code || err.provider_message) parts.push(`provider: ${[err.provider_code, err.provider_message].filter(Boolean).join(' ')}`);
      const msg = el('p', { class: 'gw-error', 'data-testid': 'gateway-error', role: 'note' }, el('strong', null, parts[0]), ': ', parts.slice(1).join(' · '));
      if (v.cached && v.age_ms != null) msg.append(el('br'), `Showing its last good data, ${fmtMs(v.age_ms)} old.`);
      else if (item.view) msg.append(el('br'), 'No data of this gateway is shown.');
      card.append(msg);
    } else if (status === 'stale') {
      card.append(el('p', { class: 'gw-stale' }, v.age_ms == null ? 'No data of this gateway is shown.' : `Cached data, ${fmtMs(v.age_ms)} old (being refreshed).`));
    }

    const facts = el('dl', { class: 'facts' });
    const fact = (name, value, attrs) => { facts.append(el('dt', null, name), el('dd', attrs || null, value)); };
    fact('Status', item.view ? String(v.status) : 'not in view');
    fact('Latency', v.latency_ms != null ? fmtMs(v.latency_ms) : h.last_latency_ms != null ? fmtMs(h.last_latency_ms) : '–');
    fact('Data age', `${fmtMs(v.age_ms)}${v.cached ? ' (cached)' : ''}`);
    fact('Circuit', String(h.circuit || 'unknown'), { 'data-testid': 'gateway-circuit', 'data-value': String(h.circuit || '') });
    fact('Health', String(h.health || 'unknown'));
    if (h.last_success_at) fact('Last success', String(h.last_success_at));
    if (h.last_error) {
      fact('Last error', `${h.last_error.code}: ${h.last_error.detail}${h.last_error.at ? ` (at ${h.last_error.at})` : ''}`);
    } else {
      fact('Last error', 'none');
    }
    card.append(facts);

    const mine = balances.filter((b) => String(b.gateway) === item.id && !(state.hideZero && dec.isZero(b.total)));
    if (mine.length) {
      const usd = dec.sum(mine.map((b) => b.usd_value));
      const tbody = el('tbody');
      for (const b of mine) {
        tbody.append(el('tr', { 'data-testid': 'gateway-balance', 'data-asset': String(b.asset), 'data-value': String(b.total) },
          el('th', { scope: 'row' }, String(b.asset)),
          el('td', null, b.network == null ? '' : String(b.network)),
          el('td', { class: 'num' }, readable(b.total)),
          el('td', { class: 'num' }, readable(b.locked)),
          el('td', { class: 'num' }, readable(b.usd_value))));
      }
      card.append(
        el('p', { class: 'note' }, 'USD value: ', el('strong', { 'data-testid': 'gateway-usd', 'data-value': usd }, readable(usd))),
        el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': `${item.id} balances` },
          el('table', null,
            el('thead', null, el('tr', null,
              el('th', { scope: 'col' }, 'Asset'), el('th', { scope: 'col' }, 'Network'),
              el('th', { scope: 'col', class: 'num' }, 'Total'), el('th', { scope: 'col', class: 'num' }, 'Locked'),
              el('th', { scope: 'col', class: 'num' }, 'USD value'))),
            tbody)));
    } else {
      card.append(el('p', { class: 'note' }, item.view && v.age_ms != null ? 'No balances to show.' : 'No balances shown.'));
    }
    cards.push(card);
  }
  if (!cards.length) cards.push(el('p', { class: 'note' }, 'Loading…'));
  wrap.replaceChildren(...cards);
}

function renderChart(svgId, legendId, entries, label) {
  const svg = $(svgId);
  const legend = $(legendId);
  const title = svgEl('title', { id: `${svgId}-title` });
  const total = dec.sum(entries.map((e) => e.value));
  const totalN = Number(total);
  const shown = entries.filter((e) => dec.compare(e.value, '0') > 0);
  title.textContent = `${label}: ${shown.map((e) => `${e.name} ${readable(e.value)} USD`).join(', ') || 'nothing priced'}`;
  svg.replaceChildren(title);
  svg.setAttribute('aria-label', title.textContent);
  const items = [];
  const W = 400;
  let x = 0;
  shown.forEach((e, i) => {
    // Number only for geometry; the legend shows the exact strings.
    const share = totalN > 0 ? Number(e.value) / totalN : 0;
    const w = Math.max(share * W, 0.5);
    const color = PALETTE[i % PALETTE.length];
    const rect = svgEl('rect', { x: x.toFixed(3), y: 0, width: w.toFixed(3), height: 40, fill: color, 'data-name': e.name });
    const t = svgEl('title');
    t.textContent = `${e.name}: ${readable(e.value)} USD (${(share * 100).toFixed(1)} %)`;
    rect.append(t);
    svg.append(rect);
    x += share * W;
    const sw = svgEl('svg', { width: 12, height: 12, 'aria-hidden': 'true', focusable: 'false' });
    sw.append(svgEl('rect', { width: 12, height: 12, fill: color }));
    items.push(el('li', null,
      el('span', { class: 'swatch' }, sw),
      el('span', { class: 'name' }, e.name),
      el('span', { class: 'value' }, `${readable(e.value)} USD`),
      el('span', { class: 'pct' }, `${(share * 100).toFixed(1)} %`)));
  });
  if (!shown.length) {
    svg.append(svgEl('rect', { x: 0, y: 0, width: W, height: 40, fill: '#d4d8de' }));
    items.push(el('li', { class: 'note' }, 'Nothing priced to show.'));
  }
  legend.replaceChildren(...items);
}

function renderCharts() {
  const v = state.balances;
  const balances = v && Array.isArray(v.balances) ? v.balances : [];
  const byGateway = new Map();
  for (const b of balances) {
    if (b.usd_value == null) continue;
    const id = String(b.gateway);
    byGateway.set(id, dec.add(byGateway.get(id) || '0', String(b.usd_value)));
  }
  const gw = [...byGateway].map(([name, value]) => ({ name, value })).sort((a, b) => dec.compare(b.value, a.value));
  renderChart('chart-gateways', 'legend-gateways', gw, 'Share of USD value by gateway');
  const totals = v && Array.isArray(v.totals) ? v.totals : [];
  const as = totals.filter((t) => t.usd_value != null).map((t) => ({ name: String(t.asset), value: String(t.usd_value) }))
    .sort((a, b) => dec.compare(b.value, a.value));
  renderChart('chart-assets', 'legend-assets', as, 'Share of USD value by asset');
}

function writeGateways() {
  return mergedGateways().filter((g) => g.type === 'ccpayment-v2').map((g) => g.id);
}

function recordGateways() {
  return writeGateways();
}

function fillSelect(select, ids, keepFirst) {
  const current = select.value;
  const opts = keepFirst ? [select.options[0]] : [];
  for (const id of ids) opts.push(el('option', { value: id }, id));
  select.replaceChildren(...opts.filter(Boolean));
  if ([...select.options].some((o) => o.value === current)) select.value = current;
}

function fillGatewaySelects() {
  const rec = recordGateways();
  const sel = $('filter-gateway');
  const have = [...sel.options].slice(1).map((o) => o.value).join(',');
  if (have !== rec.join(',')) fillSelect(sel, rec, true);
  const tsel = $('transfer-gateway');
  const tw = writeGateways();
  if ([...tsel.options].map((o) => o.value).join(',') !== tw.join(',')) fillSelect(tsel, tw, false);
}

// ---------- records ----------

function localToUtc(value) {
  if (!value) return null;
  const d = new Date(value);  // datetime-local is local time
  if (Number.isNaN(d.getTime())) return undefined;
  return d.toISOString();
}

function readRecordFilters() {
  const q = new URLSearchParams();
  const gateway = $('filter-gateway').value;
  const kind = $('filter-kind').value;
  const user = $('filter-user').value.trim();
  const since = localToUtc($('filter-since').value);
  const until = localToUtc($('filter-until').value);
  if (since === undefined || until === undefined) return { error: 'The time range is not a valid date and time.' };
  if (kind === 'transfer' && !user) return { error: 'Transfers are listed per user: enter a user id.' };
  if (user && (user.length < 5 || user.length > 64 || /[^!-~]/.test(user) || user.startsWith('sys'))) {
    return { error: 'A user id has 5-64 printable characters without spaces and does not start with “sys”.' };
  }
  if (since && until && until < since) return { error: '“Until” is before “Since”.' };
  if (kind) q.set('kind', kind);
  if (gateway) q.set('gateway', gateway);
  if (user) q.set('user_id', user);
  if (since) q.set('since', since);
  if (until) q.set('until', until);
  return { query: q };
}

function recordCells(r) {
  const kind = String(r.kind);
  let details;
  if (kind === 'transfer') {
    details = `${readable(r.amount)} ${r.asset} · ${r.from_user_id} → ${r.to_user_id}${r.remark ? ` · “${r.remark}”` : ''}`;
  } else if (kind === 'swap') {
    details = `${r.user_id}: ${readable(r.amount_in)} ${r.asset_in} → ${readable(r.net_amount_out)} ${r.asset_out} (fee ${readable(r.fee)}${r.extra_fee && !dec.isZero(r.extra_fee) ? ` + ${readable(r.extra_fee)}` : ''})`;
  } else {
    details = '';
  }
  return [
    el('td', null, r.created_at ? String(r.created_at).replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '–'),
    el('td', null, String(r.gateway)),
    el('td', null, kind),
    el('td', { class: `status-${String(r.status)}` }, `${r.status}${r.provider_status && r.provider_status.toLowerCase() !== String(r.status) ? ` (${r.provider_status})` : ''}`),
    el('td', { class: 'wrap' }, details),
    el('td', null, String(r.order_id || '')),
    el('td', null, String(r.id)),
  ];
}

async function loadRecords({ reset }) {
  const rs = state.records;
  if (rs.loading || !state.canRead) return;
  const msg = $('records-message');
  if (reset) {
    const f = readRecordFilters();
    if (f.error) { show(msg, f.error, true); return; }
    rs.query = f.query;
    rs.cursor = null;
    rs.keys = new Set();
    rs.count = 0;
    $('records-body').replaceChildren();
  } else if (!rs.cursor) {
    return;
  }
  if (!rs.query) return;
  if (!recordGateways().length && state.balances) {
    show(msg, 'No configured gateway has records.', false);
    $('records-older').disabled = true;
    return;
  }
  rs.loading = true;
  $('records-older').disabled = true;
  $('records-apply').disabled = true;
  const q = new URLSearchParams(rs.query);
  q.set('limit', String(RECORDS_LIMIT));
  if (!reset && rs.cursor) q.set('cursor', rs.cursor);
  try {
    const r = await api(`/v1/records?${q}`);
    if (r.status === 401 || r.status === 403) return;
    if (!r.ok) {
      const p = r.data || {};
      if (p.code === 'invalid_cursor') {
        rs.cursor = null;
        show(msg, 'The list changed on the service (restart or new filters): press Apply to start again.', true);
      } else {
        const gws = Array.isArray(p.gateways) ? p.gateways.filter((g) => g.error).map((g) => `${g.id}: ${g.error.code} ${g.error.detail}`) : [];
        show(msg, `Records could not be loaded: ${problemText(p, `HTTP ${r.status}`)}${gws.length ? ` (${gws.join('; ')})` : ''}`, true);
      }
      return;
    }
    const page = r.data || {};
    const body = $('records-body');
    for (const rec of Array.isArray(page.records) ? page.records : []) {
      const key = `${rec.gateway}|${rec.kind}|${rec.id}`;
      if (rs.keys.has(key)) continue;
      rs.keys.add(key);
      rs.count += 1;
      body.append(el('tr', { 'data-record-key': key, 'data-kind': String(rec.kind) }, ...recordCells(rec)));
    }
    rs.cursor = typeof page.next_cursor === 'string' && page.next_cursor ? page.next_cursor : null;
    const failed = Array.isArray(page.gateways) ? page.gateways.filter((g) => g.status === 'error') : [];
    if (failed.length) {
      show(msg, `Incomplete: ${failed.map((g) => `${g.id} failed (${g.error ? `${g.error.code}: ${g.error.detail}` : 'error'})`).join('; ')}. “Older” picks up where it stopped.`, true);
    } else if (!rs.count) {
      show(msg, 'No records match.', false);
    } else {
      show(msg, '');
    }
    $('records-count').textContent = `${rs.count} shown${rs.cursor ? '' : ' · no older records'}`;
  } catch (e) {
    show(msg, `Could not reach the service: ${e.message}`, true);
  } finally {
    rs.loading = false;
    $('records-apply').disabled = false;
    $('records-older').disabled = !rs.cursor;
  }
}

// ---------- transfer ----------

const AMOUNT_RE = /^[0-9]+(\.[0-9]+)?$/;
const ORDER_RE = /^[!-~]{3,64}$/;
const ASSET_RE = /^[A-Za-z0-9_-]{1,32}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

function checkUserId(label, v) {
  if (!v) return `${label} is required.`;
  if (v.length < 5 || v.length > 64) return `${label} has 5 to 64 characters.`;
  if (/[^!-~]/.test(v)) return `${label} has printable characters only, without spaces.`;
  if (v.startsWith('sys')) return `${label} must not start with “sys”.`;
  return null;
}

export function validateTransfer(input) {
  const errors = [];
  if (!input.gateway) errors.push('Choose a gateway.');
  const a = checkUserId('From user id', input.from);
  if (a) errors.push(a);
  const b = checkUserId('To user id', input.to);
  if (b) errors.push(b);
  if (!ASSET_RE.test(input.asset)) errors.push('Asset is a symbol such as USDT (letters, digits, “_” or “-”).');
  if (!AMOUNT_RE.test(input.amount)) errors.push('Amount is a plain positive decimal such as 12.5 (no sign, exponent or separators).');
  else if (dec.isZero(input.amount)) errors.push('Amount must be more than 0.');
  if (input.remark.length > 255) errors.push('Remark has at most 255 characters.');
  if (CONTROL_RE.test(input.remark)) errors.push('Remark must not contain control characters.');
  return errors;
}

function newOrderId() {
  const d = new Date();
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  const rnd = [...bytes].map((x) => (x % 36).toString(36)).join('');
  const id = `dash-${stamp}-${rnd}`;
  return ORDER_RE.test(id) ? id : `dash-${Date.now()}`;
}

function renderTransferPanel() {
  const show_ = hasWrite() && writeGateways().length > 0;
  $('transfer-panel').hidden = !show_;
}

function resetReview() {
  state.transfer = null;
  $('transfer-review-box').hidden = true;
  $('transfer-preview').textContent = '';
}

function reviewTransfer() {
  const input = {
    gateway: $('transfer-gateway').value,
    from: $('transfer-from').value.trim(),
    to: $('transfer-to').value.trim(),
    asset: $('transfer-asset').value.trim(),
    amount: $('transfer-amount').value.trim(),
    remark: $('transfer-remark').value,
  };
  resetReview();
  const errors = validateTransfer(input);
  const errBox = $('transfer-error');
  if (errors.length) {
    errBox.replaceChildren(el('p', null, 'Not sent:'), el('ul', null, ...errors.map((e) => el('li', null, e))));
    errBox.hidden = false;
    return;
  }
  errBox.hidden = true;
  errBox.replaceChildren();
  const body = {
    from_user_id: input.from,
    to_user_id: input.to,
    asset: input.asset,
    amount: input.amount,
    order_id: newOrderId(),
  };
  if (input.remark) body.remark = input.remark;
  const path = `/v1/gateways/${encodeURIComponent(input.gateway)}/transfers`;
  state.transfer = { gateway: input.gateway, path, body };
  $('transfer-preview').textContent = `POST ${path}\nContent-Type: application/json\n\n${JSON.stringify(body, null, 2)}`;
  $('transfer-review-box').hidden = false;
  $('transfer-confirm').disabled = false;
  $('transfer-confirm').focus();
}

function setOutcome(kind, children, recordId) {
  const box = $('transfer-outcome');
  box.setAttribute('data-outcome', kind);
  if (recordId) box.setAttribute('data-record-id', recordId);
  else box.removeAttribute('data-record-id');
  box.replaceChildren(...children);
  box.hidden = false;
}

async function confirmTransfer() {
  const t = state.transfer;
  if (!t || state.sending) return;
  state.sending = true;
  $('transfer-confirm').disabled = true;
  $('transfer-review').disabled = true;
  const orderLine = el('p', null, 'Order id: ', el('code', null, t.body.order_id));
  setOutcome('pending', [el('p', null, 'Sending…'), orderLine]);
  let r;
  try {
    r = await api(t.path, { method: 'POST', body: t.body, scope: 'write' });
  } catch (e) {
    setOutcome('unknown', [
      el('p', null, el('strong', null, 'Outcome unknown: '), `the answer did not arrive (${e.message}).`),
      el('p', null, `Check the order id in the records (user ${t.body.from_user_id}) before trying again; repeating with the same order id never transfers twice.`),
      orderLine]);
    finishSend();
    return;
  }
  const p = r.data || {};
  if ((r.status === 201 || r.status === 200) && p && p.id) {
    const replay = r.status === 200 || r.headers.get('Idempotent-Replayed') === 'true';
    setOutcome('created', [
      el('p', null, el('strong', null, replay ? 'Already carried out earlier: ' : 'Transfer created: '), `record ${p.id}`),
      el('p', null, `Status ${p.status} · ${readable(p.amount)} ${p.asset} · ${p.from_user_id} → ${p.to_user_id}`),
      el('p', null, 'Order id: ', el('code', null, String(p.order_id || t.body.order_id)))], String(p.id));
    state.transfer = null;
    $('transfer-review-box').hidden = true;
    $('transfer-amount').value = '';
    finishSend();
    // The service fetches this gateway's balances anew on the next read.
    setTimeout(() => loadViews(), 300);
    return;
  }
  const detail = problemText(p, `HTTP ${r.status}`);
  const unknown = r.status === 504 || (r.status === 502 && p.executed !== false) || p.code === 'outcome_unknown' || (r.status >= 500 && p.executed === null);
  if (unknown) {
    setOutcome('unknown', [
      el('p', null, el('strong', null, 'Outcome unknown: '), detail),
      el('p', null, 'The transfer may or may not have been carried out. Check the order id in the records before trying again; repeating with the same order id never transfers twice.'),
      orderLine]);
  } else {
    const children = [el('p', null, el('strong', null, 'Not carried out: '), r.status === 401 ? `401: the key was not accepted (${detail})` : r.status === 403 ? `403: this key lacks the write scope (${detail})` : detail)];
    if (Array.isArray(p.errors) && p.errors.length) {
      children.push(el('ul', null, ...p.errors.map((e) => el('li', null, `${e.field || 'body'}: ${e.reason}`))));
    }
    if (p.provider_code || p.provider_message) children.push(el('p', null, `Provider: ${[p.provider_code, p.provider_message].filter(Boolean).join(' ')}`));
    children.push(orderLine);
    setOutcome('failed', children);
  }
  finishSend();
}

function finishSend() {
  state.sending = false;
  $('transfer-review').disabled = false;
}

// ---------- start ----------

async function start() {
  stopAutoRefresh();
  show($('auth-message'), state.auth_note || '');
  const ok = await loadSession();
  if (!ok) { renderTransferPanel(); return; }
  closeKeyForm();
  await loadViews();
  await loadRecords({ reset: true });
}

function wire() {
  $('records').setAttribute('data-limit', String(RECORDS_LIMIT));
  $('refresh').addEventListener('click', () => {
    stopAutoRefresh();
    loadViews({ fresh: true });
  });
  $('use-key').addEventListener('click', () => {
    if ($('key-panel').hidden) openKeyForm();
    else closeKeyForm();
  });
  $('forget-key').addEventListener('click', () => {
    state.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
    state.auth_note = 'The key was forgotten.';
    start();
  });
  $('key-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = $('key-input').value.trim();
    if (!key) { show($('auth-message'), 'Enter a key.'); return; }
    state.key = key;
    sessionStorage.setItem(KEY_STORAGE, key);
    $('key-input').value = '';
    state.auth_note = '';
    show($('auth-message'), '');
    start();
  });
  $('hide-zero').addEventListener('change', (ev) => {
    state.hideZero = ev.target.checked;
    renderAssets();
    renderGateways();
  });
  for (const btn of document.querySelectorAll('button[data-sort]')) {
    btn.addEventListener('click', () => {
      const key = btn.getAttribute('data-sort');
      if (state.sort.key === key) state.sort.dir = -state.sort.dir;
      else state.sort = { key, dir: key === 'asset' ? 1 : -1 };
      renderAssets();
    });
  }
  $('records-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadRecords({ reset: true });
  });
  $('records-older').addEventListener('click', () => loadRecords({ reset: false }));
  $('transfer-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    reviewTransfer();
  });
  $('transfer-form').addEventListener('input', () => {
    if (state.transfer && !state.sending) resetReview();
  });
  $('transfer-confirm').addEventListener('click', confirmTransfer);
  $('transfer-cancel').addEventListener('click', resetReview);
  setInterval(tickUpdated, 1000);
}

wire();
start();
