// The host side of tierlens' postMessage API (docs/embed-api.md), as a portal would write it.
// Everything tierlens sends is shown with textContent: replies are data, never HTML.
'use strict';

const params = new URLSearchParams(location.search);
// The tierlens page to embed: ?app=URL, else the bundle this page is served with.
const app = new URL(params.get('app') || './', location.href);
const appOrigin = app.origin;
const frame = document.getElementById('tierlens');
const $ = (id) => document.getElementById(id);

const src = new URL(app);
src.searchParams.set('embed', '1');
// tierlens accepts messages only from origins it is told about: this page's.
src.searchParams.append('allowOrigin', location.origin);
for (const key of ['theme', 'view', 'snapshot']) {
  if (params.has(key)) src.searchParams.set(key, params.get(key));
}
frame.src = src.href;

// Everything exchanged, for the log and for tests (`window.tierlensHost`).
const host = { messages: [], ready: false, lastSettings: null };
window.tierlensHost = host;

function log(direction, msg) {
  host.messages.push({ direction, msg });
  const line = document.createElement('div');
  const failed = msg && msg.ok === false;
  line.className = failed ? 'err' : direction;
  const text = JSON.stringify(msg);
  line.textContent = `${direction === 'out' ? '→' : '←'} ${text.length > 400 ? `${text.slice(0, 400)}…` : text}`;
  $('log').prepend(line);
}

let nextId = 1;
const pending = new Map();

/** Sends one request; resolves with tierlens' reply (`ok` true or false). */
host.request = function request(type, body = {}) {
  const id = `host-${nextId++}`;
  const msg = { tierlens: 1, type, id, ...body };
  log('out', msg);
  // Only a document of tierlens' origin may read it.
  frame.contentWindow.postMessage(msg, appOrigin);
  return new Promise((resolve) => pending.set(id, resolve));
};

window.addEventListener('message', (ev) => {
  // Only tierlens' frame, from its origin, speaking the protocol.
  if (ev.origin !== appOrigin || ev.source !== frame.contentWindow) return;
  const msg = ev.data;
  if (!msg || typeof msg !== 'object' || msg.tierlens !== 1) return;
  log('in', msg);
  if (msg.type === 'reply') {
    const done = pending.get(msg.id);
    pending.delete(msg.id);
    if (done) done(msg);
  } else if (msg.type === 'event' && msg.event === 'ready') {
    host.ready = true;
    $('connection').textContent = `connected to ${appOrigin}`;
  } else if (msg.type === 'event' && msg.event === 'settingsChanged') {
    host.lastSettings = msg.data;
    const s = msg.data.settings;
    $('last-change').textContent = `Settings changed by the ${msg.data.source}: topic ${s.topic ?? '(none)'}, ` +
      `retention.ms ${s['retention.ms'] ?? '(topic\'s)'}, view ${s.view ?? '(default)'}`;
  }
});

const bytes = (n) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i ? v.toFixed(2) : v} ${units[i]}`;
};

function fillTopics(summary) {
  const select = $('topic');
  const was = select.value;
  select.replaceChildren(...summary.sizes.topics.map((t) => {
    const o = document.createElement('option');
    o.value = o.textContent = t.topic;
    return o;
  }));
  if (summary.sizes.topics.some((t) => t.topic === was)) select.value = was;
}

function show(el, reply, render) {
  el.replaceChildren();
  if (!reply.ok) {
    el.textContent = `${reply.error.code}: ${reply.error.message}`;
    el.className = 'result err';
    return;
  }
  el.className = 'result';
  render(reply.result);
}

$('load').addEventListener('click', async () => {
  const kind = $('load-kind').value;
  let body;
  if (kind === 'url') body = { url: $('load-url').value };
  else if (kind === 'text') body = { text: $('load-text').value };
  else {
    // The page has the snapshot itself (e.g. from its own API) and hands it over.
    const resp = await fetch(new URL($('load-url').value, location.href));
    body = { snapshot: await resp.json() };
  }
  const reply = await host.request('load', body);
  show($('load-result'), reply, (r) => {
    fillTopics(r);
    $('load-result').textContent = `${r.dataset.cluster ?? 'cluster'} (${r.dataset.origin}): ` +
      `${r.dataset.topics} topics, ${r.dataset.segments} segments, remote ${bytes(r.sizes.cluster.remoteLogSizeBytes)}; ` +
      `the next run deletes ${r.current.cluster.segmentsDeleted} segments.`;
  });
});

$('plan').addEventListener('click', async () => {
  const topic = $('topic').value;
  const configs = {};
  if ($('retention-ms').value.trim()) configs['retention.ms'] = $('retention-ms').value.trim();
  if ($('retention-bytes').value.trim()) configs['retention.bytes'] = $('retention-bytes').value.trim();
  const policy = { topics: topic ? { [topic]: configs } : {} };
  if ($('kafka-version').value) policy['kafka.version'] = $('kafka-version').value;
  const reply = await host.request('plan', { policy, topics: topic ? [topic] : undefined });
  show($('plan-result'), reply, (r) => {
    const p = document.createElement('p');
    const t = r.proposed.topics.find((x) => x.topic === topic) ?? r.proposed.cluster;
    const c = r.current.topics.find((x) => x.topic === topic) ?? r.current.cluster;
    p.textContent = `${topic}: deletes ${t.segmentsDeleted} segments (${bytes(t.bytesFreed)}), ` +
      `now ${c.segmentsDeleted}; remote after ${bytes(t.remoteSizeAfter)}. Profile ${r.profile}.`;
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const h of ['partition', 'deleted', 'freed', 'log start offset']) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    const body = table.createTBody();
    for (const part of r.partitions) {
      const row = body.insertRow();
      for (const v of [part.partition, part.segmentsDeleted, bytes(part.bytesFreed),
        `${part.logStartOffsetBefore} → ${part.logStartOffsetAfter}`]) {
        row.insertCell().textContent = String(v);
      }
    }
    $('plan-result').append(p, table);
  });
});

$('status').addEventListener('click', async () => {
  const reply = await host.request('status');
  show($('plan-result'), reply, (r) => {
    $('plan-result').textContent = `tierlens: ${r.dataset ? `${r.dataset.segments} segments from ${r.dataset.origin}` : 'nothing loaded'}` +
      `${r.loading ? `, loading ${r.loading}` : ''}; ${r.ignoredMessages} messages from other origins ignored.`;
  });
});
