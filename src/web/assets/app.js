// wifimedium-web's page: the state arrives as Server-Sent Events from
// /api/events (a full "state", then "update"s of what changed); changes go
// to /api/cmd as the control API's own requests. Every name and address
// shown comes from guests and configs: it is set as text, never as markup.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const W = 900, H = 640, PAD = 40;
const S = {
  up: false, readOnly: true, mobility: false,
  status: null, nodes: new Map(), radios: new Map(), links: new Map(),
  assoc: new Map(), mesh: new Map(), events: [],
  sel: null,            // {node: idx} or {link: "a-b"}
  view: null,           // {minX, minY, k}
  drag: null,
};
const $ = (id) => document.getElementById(id);
// A link as the server sends it: an array (249,500 of them are 15 MiB so, 40 as objects).
const L = {snr: 0, per: 1, loss: 2, freq: 3, kbps: 4, mcs: 5, mode: 6, frames: 7, lost: 8, pinned: 9};

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVGNS, tag.slice(4)) : document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function channel(freq) {
  if (!freq) return "?";
  if (freq === 2484) return "14";
  if (freq >= 2412 && freq <= 2472) return String((freq - 2407) / 5);
  if (freq >= 5000 && freq < 5900) return String((freq - 5000) / 5);
  if (freq >= 5955 && freq <= 7115) return "6G " + (freq - 5950) / 5;
  return freq + " MHz";
}

const CHANNEL_COLORS = ["#3f6fd8", "#d8553f", "#2e9e5b", "#9c4fd1", "#d89b2b", "#2bb3c0", "#c2417b"];
function channelColor(freq) {
  if (!freq) return "#bbb";
  return CHANNEL_COLORS[Math.abs(freq * 7) % CHANNEL_COLORS.length];
}

function snrColor(snr) {
  if (snr >= 30) return "#1b9e3a";
  if (snr >= 20) return "#7cb82f";
  if (snr >= 10) return "#e0b000";
  if (snr >= 5) return "#e07000";
  return "#d0302a";
}
function perColor(per) {
  if (per <= 0.01) return "#1b9e3a";
  if (per <= 0.1) return "#7cb82f";
  if (per <= 0.5) return "#e0b000";
  if (per < 0.99) return "#e07000";
  return "#d0302a";
}

// ------------------------------------------------------------ the state

function applyState(st) {
  S.up = !!st.up;
  S.mobility = !!st.mobility;
  S.status = st.status;
  S.nodes = new Map((st.nodes || []).map((n) => [String(n.index), n]));
  S.radios = new Map((st.radios || []).map((r) => [r.identity, r]));
  S.links = new Map(Object.entries(st.links || {}));
  pairsCache = null;
  S.assoc = new Map(Object.entries(st.assoc || {}));
  S.mesh = new Map(Object.entries(st.mesh || {}));
  S.events = [];
  for (const ev of st.events || []) pushEvent(ev);
  S.view = null;
  schedule(true);
}

function merge(map, chg) {
  for (const k in chg || {}) {
    if (chg[k] === null) map.delete(k); else map.set(k, chg[k]);
  }
}

function applyUpdate(u) {
  S.status = u.status;
  if (!S.drag) merge(S.nodes, u.nodes);
  for (const id in u.radios || {}) {
    const old = S.radios.get(id), now = u.radios[id];
    if (!old || !now || old.node !== now.node) pairsCache = null;   // radios joined, left, moved
  }
  merge(S.radios, u.radios);
  merge(S.links, u.links);
  byNode = null;
  pairsUpdate(Object.keys(u.links || {}));
  merge(S.assoc, u.assoc);
  merge(S.mesh, u.mesh);
  for (const ev of u.events || []) pushEvent(ev);
  if (u.events_skipped) pushEvent({event: "skipped", count: u.events_skipped});
  schedule(Object.keys(u.events || {}).length > 0);
}

function pushEvent(ev) {
  S.events.unshift(ev);
  if (S.events.length > 200) S.events.pop();
}

// Radio by any address it answers to; node of a radio.
function radioByAddr(addr) {
  addr = (addr || "").toLowerCase();
  for (const r of S.radios.values()) {
    if (r.identity === addr || (r.addresses || []).includes(addr)) return r;
  }
  return null;
}
// Radios by node, made once per frame (500 nodes would make it 250,000 steps each time).
let byNode = null;
function radiosOf(idx) {
  if (!byNode) {
    byNode = new Map();
    for (const r of S.radios.values()) {
      if (r.node === null) continue;
      if (!byNode.has(r.node)) byNode.set(r.node, []);
      byNode.get(r.node).push(r);
    }
  }
  return byNode.get(Number(idx)) || [];
}

// ------------------------------------------------------------ rendering

let pending = false, eventsDirty = false;
function schedule(events) {
  eventsDirty = eventsDirty || events;
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; render(); });
}

function fitView() {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const n of S.nodes.values()) {
    minX = Math.min(minX, n.pos[0]); maxX = Math.max(maxX, n.pos[0]);
    minY = Math.min(minY, n.pos[1]); maxY = Math.max(maxY, n.pos[1]);
  }
  if (!isFinite(minX)) { minX = 0; minY = 0; maxX = 10; maxY = 10; }
  let w = Math.max(maxX - minX, 10), h = Math.max(maxY - minY, 10);
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  w *= 1.25; h *= 1.25;
  const k = Math.min((W - 2 * PAD) / w, (H - 2 * PAD) / h);
  S.view = {minX: cx - (W / 2) / k, maxY: cy + (H / 2) / k, k};
}
// Metres to the SVG's units (y grows north); and back.
function px(p) { return [(p[0] - S.view.minX) * S.view.k, (S.view.maxY - p[1]) * S.view.k]; }
function metres(x, y) { return [x / S.view.k + S.view.minX, S.view.maxY - y / S.view.k]; }

function outOfView() {
  for (const n of S.nodes.values()) {
    const [x, y] = px(n.pos);
    if (x < 5 || y < 5 || x > W - 5 || y > H - 5) return true;
  }
  return false;
}

function niceStep(span) {
  const raw = span / 8, p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
}

// Elements are kept by key and updated in place, not made anew each frame:
// 500 nodes stay cheap, and a node being dragged keeps its pointer capture.
const pools = new Map();
let generation = 0;
function reuse(gid, key, make) {
  let p = pools.get(gid);
  if (!p) pools.set(gid, p = new Map());
  let e = p.get(key);
  if (!e) {
    e = make();
    $(gid).append(e);
    p.set(key, e);
  }
  e.wmGen = generation;
  return e;
}
function sweep(gid) {
  const p = pools.get(gid);
  for (const [k, e] of p || []) {
    if (e.wmGen !== generation) { e.remove(); p.delete(k); }
  }
}
function attrs(e, a) {
  for (const k in a) {
    const v = String(a[k]);
    if (e.getAttribute(k) !== v) e.setAttribute(k, v);
  }
}
function text(e, t) { if (e.textContent !== t) e.textContent = t; }

let gridView = null;
function drawGrid() {
  if (gridView === S.view) return;
  gridView = S.view;
  const g = $("grid");
  g.replaceChildren();
  g.setAttribute("class", "grid");
  const [x0, y1] = metres(0, 0), [x1, y0] = metres(W, H);
  const step = niceStep(x1 - x0);
  for (let x = Math.ceil(x0 / step) * step; x <= x1; x += step) {
    const [sx] = px([x, 0]);
    g.append(el("svg:line", {x1: sx, y1: 0, x2: sx, y2: H}));
    g.append(el("svg:text", {x: sx + 2, y: H - 4}, +x.toFixed(6) + " m"));
  }
  for (let y = Math.ceil(y0 / step) * step; y <= y1; y += step) {
    const [, sy] = px([0, y]);
    g.append(el("svg:line", {x1: 0, y1: sy, x2: W, y2: sy}));
    g.append(el("svg:text", {x: 2, y: sy - 2}, +y.toFixed(6) + " m"));
  }
  const sc = el("svg:g", {class: "scale"});
  const len = step * S.view.k;
  sc.append(el("svg:line", {x1: W - 20 - len, y1: 20, x2: W - 20, y2: 20}));
  sc.append(el("svg:text", {x: W - 20 - len, y: 14}, +step.toFixed(6) + " m"));
  g.append(sc);
}

// One line per pair of nodes: the best of the links between their radios.
// Kept up to date link by link as updates come (500 radios have 249,500
// links: going through them all on every update would take seconds); made
// whole again only when radios join, leave or change nodes.
let pairsCache = null;
function pairOf(a, b) {
  let best = null;
  for (const ra of radiosOf(a)) {
    for (const rb of radiosOf(b)) {
      for (const k of [ra.identity + ">" + rb.identity, rb.identity + ">" + ra.identity]) {
        const l = S.links.get(k);
        if (!l) continue;
        if (!best) best = {a, b, snr: -Infinity, per: 1, pinned: false};
        best.snr = Math.max(best.snr, l[L.snr]);
        best.per = Math.min(best.per, l[L.per]);
        best.pinned = best.pinned || !!l[L.pinned];
      }
    }
  }
  return best;
}
function nodeLinks() {
  if (pairsCache) return pairsCache;
  const pairs = new Map();
  for (const [key, l] of S.links) {
    const gt = key.indexOf(">");
    const rf = S.radios.get(key.slice(0, gt)), rt = S.radios.get(key.slice(gt + 1));
    if (!rf || !rt || rf.node === null || rt.node === null || rf.node === rt.node) continue;
    const a = Math.min(rf.node, rt.node), b = Math.max(rf.node, rt.node);
    const pk = a + "-" + b;
    let p = pairs.get(pk);
    if (!p) pairs.set(pk, p = {a, b, snr: -Infinity, per: 1, pinned: false});
    if (l[L.snr] > p.snr) p.snr = l[L.snr];
    if (l[L.per] < p.per) p.per = l[L.per];
    p.pinned = p.pinned || !!l[L.pinned];
  }
  pairsCache = pairs;
  return pairs;
}
// After an update: the pairs of the links that changed, from their radios.
function pairsUpdate(keys) {
  if (!pairsCache) return;
  for (const key of keys) {
    const gt = key.indexOf(">");
    const rf = S.radios.get(key.slice(0, gt)), rt = S.radios.get(key.slice(gt + 1));
    if (!rf || !rt || rf.node === null || rt.node === null || rf.node === rt.node) continue;
    const a = Math.min(rf.node, rt.node), b = Math.max(rf.node, rt.node);
    const p = pairOf(a, b);
    if (p) pairsCache.set(a + "-" + b, p); else pairsCache.delete(a + "-" + b);
  }
}

// At most MAX_LINES lines, the strongest first, above the chosen SNR; a
// selected node's or link's always. 500 radios in one room have 124,750
// pairs: drawing them all would show nothing but ink.
const MAX_LINES = 3000;
function drawLinks(pairs) {
  const by = $("colorby").value;
  const min = Number($("minsnr").value);
  const selNode = S.sel && S.sel.node !== undefined ? Number(S.sel.node) : -1;
  const selLink = S.sel && S.sel.link;
  // The cut-off SNR for the strongest MAX_LINES, from a histogram in 1 dB
  // bins (one pass, no sort of 100,000 pairs).
  const bins = new Uint32Array(256);
  const bin = (snr) => Math.max(0, Math.min(255, Math.floor(snr) + 50));
  for (const p of pairs.values()) if (p.snr >= min) bins[bin(p.snr)]++;
  let cut = 0;
  for (let i = 255, n = 0; i >= 0; i--) {
    n += bins[i];
    if (n > MAX_LINES) { cut = i + 1; break; }
  }
  const shown = [];
  for (const [pk, p] of pairs) {
    const sel = p.a === selNode || p.b === selNode || pk === selLink;
    if (sel || (p.snr >= min && bin(p.snr) >= cut)) shown.push([pk, p]);
  }
  $("linkcount").textContent = shown.length < pairs.size ? `${shown.length} of ${pairs.size} drawn` : "";
  for (const [pk, p] of shown) {
    const na = S.nodes.get(String(p.a)), nb = S.nodes.get(String(p.b));
    if (!na || !nb) continue;
    const [x1, y1] = px(na.pos), [x2, y2] = px(nb.pos);
    const line = reuse("links", pk, () => {
      const e = el("svg:line", {"data-link": pk});
      e.append(el("svg:title"));
      e.addEventListener("click", (ev) => { ev.stopPropagation(); S.sel = {link: pk}; schedule(); });
      return e;
    });
    attrs(line, {x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1),
      class: "link" + (p.pinned ? " pinned" : "") + (S.sel && S.sel.link === pk ? " selected" : ""),
      stroke: by === "per" ? perColor(p.per) : snrColor(p.snr),
      "data-snr": p.snr.toFixed(1), "data-per": p.per});
    text(line.firstChild, `${nodeName(na)} — ${nodeName(nb)}: SNR ${p.snr.toFixed(1)} dB, PER ${(p.per * 100).toFixed(1)} %`);
  }
  sweep("links");
}

// A curve from node to node, bowed to one side so the link under it stays visible.
function bowed(a, b, side) {
  const [x1, y1] = px(a.pos), [x2, y2] = px(b.pos);
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const bow = side * Math.min(30, len / 4);
  const cx = (x1 + x2) / 2 - (y2 - y1) / len * bow, cy = (y1 + y2) / 2 + (x2 - x1) / len * bow;
  return `M ${x1.toFixed(1)} ${y1.toFixed(1)} Q ${cx.toFixed(1)} ${cy.toFixed(1)} ${x2.toFixed(1)} ${y2.toFixed(1)}`;
}
function nodeOfAddr(addr) {
  const r = radioByAddr(addr);
  return r && r.node !== null ? S.nodes.get(String(r.node)) : null;
}

// Station -> AP (an arrow on one side of the link); mesh peers (dashed, the other side).
function drawAssoc() {
  $("assoc").setAttribute("class", "assoc");
  for (const [sta, ap] of S.assoc) {
    const ns = nodeOfAddr(sta), na = nodeOfAddr(ap);
    if (!ns || !na || ns === na) continue;
    const path = reuse("assoc", sta, () => {
      const e = el("svg:path", {"data-sta": sta});
      e.append(el("svg:title"));
      return e;
    });
    attrs(path, {d: bowed(ns, na, 1), "data-ap": ap, class: "member"});
    text(path.firstChild, `${sta} associated with ${ap}`);
  }
  for (const [key, [a, b]] of S.mesh) {
    const n1 = nodeOfAddr(a), n2 = nodeOfAddr(b);
    if (!n1 || !n2 || n1 === n2) continue;
    const path = reuse("assoc", "mesh " + key, () => {
      const e = el("svg:path", {"data-mesh": key, class: "mesh"});
      e.append(el("svg:title"));
      return e;
    });
    attrs(path, {d: bowed(n1, n2, -1)});
    text(path.firstChild, `mesh peers ${a} and ${b}`);
  }
  sweep("assoc");
}

function nodeName(n) { return n.name || n.mac || "node " + n.index; }

function drawNodes() {
  for (const [k, n] of S.nodes) {
    const rs = radiosOf(k);
    const [x, y] = px(n.pos);
    const sel = S.sel && S.sel.node === k;
    const ng = reuse("nodes", k, () => {
      const e = el("svg:g", {"data-node": k});
      e.append(el("svg:circle", {r: 10}), el("svg:text", {x: 14, y: -2}), el("svg:text", {x: 14, y: 11, class: "sub"}));
      e.addEventListener("pointerdown", (ev) => startDrag(ev, k));
      return e;
    });
    attrs(ng, {class: "node" + (rs.length ? "" : " noradio") + (sel ? " selected" : ""),
      transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`, "data-x": n.pos[0], "data-y": n.pos[1]});
    attrs(ng.children[0], {fill: rs.length ? channelColor(rs[0].freq) : "#fff"});
    text(ng.children[1], nodeName(n));
    text(ng.children[2], rs.length ? rs.map((r) => `ch ${channel(r.freq)} · ${r.tx_power} dBm`).join(", ")
                                   : `${n.tx_power} dBm, no radio`);
  }
  sweep("nodes");
}

function drawLegend() {
  const lg = $("legend");
  lg.replaceChildren();
  const by = $("colorby").value;
  const items = by === "per"
    ? [[0, "≤1 %"], [0.05, "≤10 %"], [0.3, "≤50 %"], [0.9, "<99 %"], [1, "lost"]].map(([v, t]) => [perColor(v), "PER " + t])
    : [[30, "≥30"], [20, "20–30"], [10, "10–20"], [5, "5–10"], [0, "<5"]].map(([v, t]) => [snrColor(v), t + " dB"]);
  for (const [c, t] of items) {
    const s = el("span");
    s.style.background = c;
    lg.append(s, t);
  }
  const a = el("span");
  a.style.background = "#1e40af";
  lg.append(a, "association (station → AP)");
  const mp = el("span", {class: "meshkey"});
  lg.append(mp, "mesh peering");
}

function drawChannels() {
  const t = $("channels");
  t.replaceChildren();
  const head = el("tr");
  for (const h of ["channel", "frames", "airtime", "busy"]) head.append(el("th", {}, h));
  t.append(head);
  for (const c of (S.status && S.status.channels) || []) {
    const tr = el("tr", {"data-freq": c.freq});
    tr.append(el("td", {}, `${channel(c.freq)} (${c.freq})`), el("td", {}, c.frames),
      el("td", {}, (c.airtime_us / 1e6).toFixed(2) + " s"));
    const td = el("td");
    const bar = el("span", {class: "bar"});
    bar.style.width = Math.max(1, Math.min(100, c.busy * 100)) + "px";
    td.append(bar, " " + (c.busy * 100).toFixed(2) + " %");
    tr.append(td);
    t.append(tr);
  }
}

function drawRadios() {
  const t = $("radios");
  t.replaceChildren();
  const head = el("tr");
  for (const h of ["radio", "node", "ch", "dBm", "tx", "acked", "failed", "retries", "rx", "air ms"]) head.append(el("th", {}, h));
  t.append(head);
  let shown = 0;
  for (const r of S.radios.values()) {
    if (++shown > 200) break;
    const c = r.counters || {};
    const n = r.node !== null ? S.nodes.get(String(r.node)) : null;
    const tr = el("tr", {"data-radio": r.identity});
    tr.append(el("td", {}, `${r.client} ${r.identity}`), el("td", {}, n ? nodeName(n) : "–"),
      el("td", {}, channel(r.freq)), el("td", {}, r.tx_power), el("td", {}, c.tx_frames),
      el("td", {}, c.acked), el("td", {}, c.failed), el("td", {}, c.retries), el("td", {}, c.rx_frames),
      el("td", {}, Math.round((c.airtime_us || 0) / 1000)));
    t.append(tr);
  }
  if (S.radios.size > 200) t.append(el("tr", {}, `… and ${S.radios.size - 200} more`));
}

function evText(ev) {
  const t = ev.time_us !== undefined ? (ev.time_us / 1e6).toFixed(3) + " " : "";
  switch (ev.event) {
    case "frame": return `${t}${ev.type} ${ev.from} → ${ev.to} ch ${channel(ev.freq)} #${ev.attempt} ${ev.next}`;
    case "drop": return `${t}drop (${ev.reason}) ${ev.radio} → ${ev.to} ${ev.len} B`;
    case "radio-up": case "radio-down": return `${t}${ev.event} ${ev.client} ${ev.radio}`;
    case "overflow": return `events lost by the daemon: ${ev.dropped}`;
    case "skipped": return `events not shown (too many): ${ev.count}`;
    default: return t + ev.event;
  }
}

function drawEvents() {
  const ol = $("events");
  ol.replaceChildren();
  for (const ev of S.events.slice(0, 100)) {
    ol.append(el("li", {class: "ev ev-" + (ev.event === "frame" ? ev.type : ev.event)}, evText(ev)));
  }
}

function drawSummary() {
  const m = $("medium");
  m.textContent = S.up ? "medium up" : "medium away";
  m.classList.toggle("away", !S.up);
  $("ro").hidden = !S.readOnly;
  const st = S.status;
  $("summary").textContent = st && S.up
    ? `t = ${(st.time_us / 1e6).toFixed(1)} s · ${st.model} · ${st.nodes} nodes · ${st.radios} radios · ${st.clients} clients`
    : "";
}

let selKey = null;
function render() {
  byNode = null;
  drawSummary();
  if (!S.drag && (!S.view || outOfView())) fitView();
  if (S.view) {
    generation++;
    drawGrid();
    drawLinks(nodeLinks());
    drawAssoc();
    drawNodes();
  }
  drawLegend();
  drawChannels();
  drawRadios();
  if (eventsDirty) { drawEvents(); eventsDirty = false; }
  // The selection's panel is rebuilt only when the selection changes (it has forms being typed in).
  const key = JSON.stringify(S.sel) + S.readOnly + S.mobility;
  if (key !== selKey) { selKey = key; drawSelection(); } else updateSelectionFacts();
}

// ------------------------------------------------------------ selection

function facts(dl, rows) {
  dl.replaceChildren();
  for (const [k, v] of rows) dl.append(el("dt", {}, k), el("dd", {}, v));
}

function selectionRows() {
  if (S.sel && S.sel.node !== undefined) {
    const n = S.nodes.get(S.sel.node);
    if (!n) return [["node", "gone"]];
    const rows = [["node", `${nodeName(n)} (#${n.index})`], ["position", n.pos.map((v) => v.toFixed(2)).join(", ") + " m"],
      ["velocity", n.velocity.map((v) => v.toFixed(2)).join(", ") + " m/s"], ["tx power", n.tx_power + " dBm"]];
    if (n.mobility) rows.push(["path", JSON.stringify(n.mobility)]);
    for (const r of radiosOf(S.sel.node)) {
      const c = r.counters || {};
      rows.push(["radio", `${r.client} ${r.identity} ch ${channel(r.freq)}, ${r.tx_power} dBm; tx ${c.tx_frames} acked ${c.acked} rx ${c.rx_frames}`]);
      for (const [sta, ap] of S.assoc) {
        if (r.identity === sta || (r.addresses || []).includes(sta)) rows.push(["associated", `with ${ap}`]);
      }
      for (const [a, b] of S.mesh.values()) {
        const mine = (x) => r.identity === x || (r.addresses || []).includes(x);
        if (mine(a) || mine(b)) rows.push(["mesh peer", mine(a) ? b : a]);
      }
    }
    return rows;
  }
  if (S.sel && S.sel.link) {
    const [a, b] = S.sel.link.split("-");
    const na = S.nodes.get(a), nb = S.nodes.get(b);
    const rows = [["link", `${na ? nodeName(na) : a} — ${nb ? nodeName(nb) : b}`]];
    const dirs = [];
    for (const ra of radiosOf(a)) {
      for (const rb of radiosOf(b)) {
        for (const [f, t] of [[ra.identity, rb.identity], [rb.identity, ra.identity]]) {
          const l = S.links.get(f + ">" + t);
          if (l) dirs.push({from: f, to: t, l});
        }
      }
    }
    for (const d of dirs) {
      const l = d.l;
      rows.push([`${d.from} → ${d.to}`, `SNR ${l[L.snr]} dB, PER ${(l[L.per] * 100).toFixed(1)} % at ${l[L.mode]} ${l[L.kbps] / 1000} Mb/s` +
        `, loss ${l[L.loss]}, ${l[L.frames]} frames, ${l[L.lost]} lost${l[L.pinned] ? ", pinned" : ""}`]);
    }
    return rows;
  }
  return null;
}

function updateSelectionFacts() {
  const dl = $("selfacts");
  const rows = selectionRows();
  if (dl && rows) facts(dl, rows);
}

function form(label, fields, button, onsubmit) {
  const f = el("form");
  f.append(el("span", {}, label));
  for (const [name, ph, cls] of fields) f.append(el("input", {type: "text", name, placeholder: ph, class: cls || ""}));
  f.append(el("button", {type: "submit"}, button));
  f.addEventListener("submit", (e) => { e.preventDefault(); onsubmit(new FormData(f)); });
  return f;
}

function nums(s, n) {
  const v = String(s).split(/[ ,]+/).filter((x) => x !== "").map(Number);
  return v.length >= n && v.every(Number.isFinite) ? v : null;
}

function drawSelection() {
  const body = $("selbody");
  body.replaceChildren();
  const rows = selectionRows();
  if (!rows) { body.append(el("p", {class: "hint"}, "Click a node or a link; drag a node to move it.")); return; }
  const dl = el("dl", {id: "selfacts"});
  facts(dl, rows);
  body.append(dl);
  if (S.readOnly) return;
  if (S.sel.node !== undefined) {
    const node = Number(S.sel.node);
    body.append(form("velocity", [["v", "vx, vy m/s"]], "set", (fd) => {
      const v = nums(fd.get("v"), 2);
      if (!v) return say("velocity: two numbers, vx, vy", true);
      send({cmd: "move", node, velocity: v.slice(0, 3)});
    }));
    body.append(form("tx power", [["dbm", "dBm"]], "set", (fd) => {
      const v = Number(fd.get("dbm"));
      if (fd.get("dbm") === "" || !Number.isFinite(v)) return say("tx power: a number of dBm", true);
      send({cmd: "set-power", node, dbm: v});
    }));
    if (S.mobility) {
      body.append(form("path", [["pts", "x,y x,y …", "wide"], ["speed", "m/s"], ["pause", "pause s"]], "go", (fd) => {
        const pts = String(fd.get("pts")).trim().split(/\s+/).map((p) => nums(p, 2));
        const speed = Number(fd.get("speed") || 1), pause = Number(fd.get("pause") || 0);
        if (!pts.length || pts.some((p) => !p) || !Number.isFinite(speed) || !Number.isFinite(pause))
          return say("path: points as x,y separated by spaces; a speed; a pause", true);
        send({cmd: "mobility", node, loop: false, waypoints: pts.map((p) => ({pos: p.slice(0, 2), speed, pause}))});
      }));
      const stop = el("button", {type: "button"}, "stop the path");
      stop.addEventListener("click", () => send({cmd: "mobility", node, stop: true}));
      body.append(stop);
    }
  } else if (S.sel.link) {
    const [a, b] = S.sel.link.split("-").map(Number);
    body.append(form("pin loss", [["loss", "0..1"]], "pin", (fd) => {
      const v = Number(fd.get("loss"));
      if (fd.get("loss") === "" || !Number.isFinite(v)) return say("loss: a probability 0..1", true);
      send({cmd: "pin", from: a, to: b, loss: v, both: true});
    }));
    body.append(form("pin SNR", [["snr", "dB"]], "pin", (fd) => {
      const v = Number(fd.get("snr"));
      if (fd.get("snr") === "" || !Number.isFinite(v)) return say("SNR: a number of dB", true);
      send({cmd: "pin", from: a, to: b, snr: v, both: true});
    }));
    const un = el("button", {type: "button"}, "unpin");
    un.addEventListener("click", () => send({cmd: "unpin", from: a, to: b, both: true}));
    body.append(un);
  }
}

// ------------------------------------------------------------ changes

let msgTimer = null;
function say(text, err) {
  const m = $("msg");
  m.textContent = text;
  m.classList.toggle("err", !!err);
  clearTimeout(msgTimer);
  msgTimer = setTimeout(() => { m.textContent = ""; }, 4000);
}

async function send(req) {
  try {
    const r = await fetch("/api/cmd", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(req), credentials: "same-origin"});
    const j = await r.json();
    if (!j.ok) say(`${req.cmd}: ${j.message || j.error}`, true);
    else say(`${req.cmd}: done`);
    return j;
  } catch (e) {
    say(`${req.cmd}: ${e}`, true);
    return null;
  }
}

function svgPoint(e) {
  const p = $("map").createSVGPoint();
  p.x = e.clientX; p.y = e.clientY;
  return p.matrixTransform($("map").getScreenCTM().inverse());
}

function startDrag(e, k) {
  e.stopPropagation();
  e.preventDefault();
  const n = S.nodes.get(k);
  if (!n) return;
  S.drag = {k, start: svgPoint(e), pos: n.pos.slice(), moved: false, target: e.currentTarget};
  e.currentTarget.setPointerCapture(e.pointerId);
}

function onMove(e) {
  const d = S.drag;
  if (!d || S.readOnly) return;
  const p = svgPoint(e);
  if (Math.hypot(p.x - d.start.x, p.y - d.start.y) < 3 && !d.moved) return;
  d.moved = true;
  const [x, y] = metres(p.x, p.y);
  const n = S.nodes.get(d.k);
  n.pos = [x, y, d.pos[2] || 0];
  schedule();
}

function onUp() {
  const d = S.drag;
  if (!d) return;
  S.drag = null;
  S.pressed = true;     // the click that follows is this press's, not the map's
  if (!d.moved) {
    S.sel = {node: d.k};
    schedule();
    return;
  }
  const n = S.nodes.get(d.k);
  send({cmd: "move", node: Number(d.k), pos: n.pos.map((v) => Math.round(v * 100) / 100)});
}

// ------------------------------------------------------------ start

function follow() {
  const es = new EventSource("/api/events");
  es.addEventListener("state", (e) => applyState(JSON.parse(e.data)));
  es.addEventListener("update", (e) => applyUpdate(JSON.parse(e.data)));
  es.addEventListener("medium", (e) => { S.up = !!JSON.parse(e.data).up; schedule(); });
  es.onerror = () => { S.up = false; schedule(); };
}

async function start() {
  try {
    const c = await (await fetch("/api/config", {credentials: "same-origin"})).json();
    S.readOnly = !!c.read_only;
  } catch (e) {
    say("cannot reach wifimedium-web", true);
  }
  document.body.classList.toggle("readonly", S.readOnly);
  $("colorby").addEventListener("change", () => schedule());
  $("minsnr").addEventListener("change", () => schedule());
  $("map").addEventListener("pointermove", onMove);
  $("map").addEventListener("pointerup", onUp);
  $("map").addEventListener("pointercancel", onUp);
  $("map").addEventListener("click", () => {
    if (S.pressed) { S.pressed = false; return; }
    S.sel = null;
    schedule();
  });
  follow();
  schedule(true);
}

start();
