/* marsad map page. Plain JavaScript over Leaflet (vendor/leaflet.js, from npm at build time).
   Events load by viewport and date from /api/events/clusters (grid clusters computed by the server),
   so 100,000 stored events never reach the browser one by one. */
"use strict";

(function () {
  const I18N = window.MARSAD_I18N;
  const TYPES = window.MARSAD_TYPES;
  const ACTOR_COLOURS = window.MARSAD_ACTOR_COLOURS;
  const PALETTE = ["#1abc9c", "#3498db", "#9b59b6", "#e67e22", "#16a085", "#2980b9", "#8e44ad", "#d35400",
                   "#27ae60", "#c0392b", "#7f8c8d", "#f39c12"];
  const SYRIA = [[32.2, 35.5], [37.4, 42.5]];
  const PAGE = 30;

  const S = {
    lang: localStorage.getItem("marsad.lang") || "ar",
    meta: null,
    actors: {},
    days: [],
    dayIndex: 0,
    listOffset: 0,
    listTotal: 0,
    selected: null,
    inflight: {},
    lastShares: [],
    lastClusters: [],
    series: null,
    playing: null,
  };
  const $ = (id) => document.getElementById(id);
  const t = (key) => (I18N[S.lang] && I18N[S.lang][key]) || I18N.en[key] || key;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function typeLabel(type) { const x = TYPES[type] || TYPES.other; return S.lang === "ar" ? x[0] : x[1]; }
  function typeColour(type) { return (TYPES[type] || TYPES.other)[2]; }
  function actorLabel(id) {
    if (!id) return "";
    if (id === "unknown") return t("unknown_area");
    const a = S.actors[id];
    if (!a) return id;
    return (S.lang === "ar" ? a.name_ar || a.name_en : a.name_en || a.name_ar) || id;
  }
  function actorColour(id) {
    if (!id || id === "unknown") return "#9aa5b1";
    if (ACTOR_COLOURS[id]) return ACTOR_COLOURS[id];
    let h = 0;
    for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return PALETTE[h % PALETTE.length];
  }
  function fmtNumber(n) { return new Intl.NumberFormat(S.lang === "ar" ? "ar-SY" : "en-GB").format(n); }

  async function api(path, params, key) {
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== "" && v != null) url.searchParams.set(k, v);
    }
    let signal;
    if (key) {
      if (S.inflight[key]) S.inflight[key].abort();
      S.inflight[key] = new AbortController();
      signal = S.inflight[key].signal;
    }
    const res = await fetch(url, { signal });
    const body = await res.json();
    if (!res.ok) throw new Error((body.error && body.error.message) || res.statusText);
    return body;
  }
  function debounce(fn, ms) {
    let h;
    return (...args) => { clearTimeout(h); h = setTimeout(() => fn(...args), ms); };
  }
  function quiet(err) { if (err.name !== "AbortError") console.error(err); }

  /* ---------- filters ---------- */
  function filters() {
    return { actor: $("f-actor").value, type: $("f-type").value, governorate: $("f-gov").value,
             date_from: $("f-from").value, date_to: $("f-to").value };
  }
  function viewBbox() {
    const b = map.getBounds();
    const c = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
    return [c(b.getWest(), -180, 180), c(b.getSouth(), -90, 90), c(b.getEast(), -180, 180), c(b.getNorth(), -90, 90)]
      .map((v) => v.toFixed(4)).join(",");
  }
  function fillSelect(sel, items) {
    const keep = sel.value;
    sel.innerHTML = `<option value="">${esc(t("any"))}</option>` +
      items.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join("");
    sel.value = keep;
  }
  function fillFilterOptions() {
    const m = S.meta;
    fillSelect($("f-actor"), m.actors.map((a) => [a.id, actorLabel(a.id)]));
    fillSelect($("f-type"), m.event_types.map((ty) => [ty, typeLabel(ty)]));
    fillSelect($("f-gov"), m.governorates.map((g) => [g, g]));
  }
  function updateExportLinks() {
    for (const a of document.querySelectorAll("#export-menu a")) {
      const url = new URL("/api/export", window.location.origin);
      url.searchParams.set("format", a.dataset.format);
      for (const [k, v] of Object.entries(filters())) if (v) url.searchParams.set(k, v);
      a.href = url.pathname + url.search;
    }
  }

  /* ---------- map ---------- */
  const map = L.map("map", { zoomControl: true, minZoom: 4, maxZoom: 16, attributionControl: true,
                             worldCopyJump: false });
  map.attributionControl.setPrefix("Leaflet · marsad");
  map.fitBounds(SYRIA);
  map.createPane("boundaries").style.zIndex = 350;
  map.createPane("control").style.zIndex = 380;
  const layers = {
    boundaries: L.geoJSON(null, {
      pane: "boundaries",
      style: () => ({ color: "#6b7b8c", weight: 1.2, fillColor: "#fbf8f1", fillOpacity: 1 }),
      onEachFeature: (f, layer) => {
        const p = f.properties || {};
        const name = S.lang === "ar" ? (p.name_ar || p.name_en || p.name) : (p.name_en || p.name || p.name_ar);
        if (name) layer.bindTooltip(esc(name), { sticky: true, className: "gov-tip" });
      },
    }),
    control: L.geoJSON(null, {
      pane: "control",
      style: (f) => (controller(f) === "unknown"
        ? { stroke: false, fill: false, interactive: false }
        : { color: actorColour(controller(f)), weight: 1, fillColor: actorColour(controller(f)), fillOpacity: 0.42 }),
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 9, className: "control-point", pane: "control" }),
      onEachFeature: (f, layer) => layer.bindTooltip(
        `${esc(f.properties.name || f.properties.unit || "")} — ${esc(actorLabel(controller(f)))}`),
    }),
    events: L.layerGroup(),
    sieges: L.layerGroup(),
    sites: L.layerGroup(),
  };
  function controller(f) {
    const p = f.properties || {};
    return p.actor || p.controller || p.holder || "";
  }
  layers.boundaries.addTo(map);
  layers.control.addTo(map);
  layers.sieges.addTo(map);
  layers.sites.addTo(map);
  layers.events.addTo(map);
  const legendControl = L.control({ position: "bottomright" });
  legendControl.onAdd = () => {
    const div = L.DomUtil.create("div", "legend");
    div.id = "legend";
    return div;
  };
  legendControl.addTo(map);
  let layerControl = null;
  function buildLayerControl() {
    if (layerControl) layerControl.remove();
    layerControl = L.control.layers(null, {
      [t("layers_boundaries")]: layers.boundaries, [t("layers_control")]: layers.control,
      [t("layers_events")]: layers.events, [t("layers_sieges")]: layers.sieges, [t("layers_sites")]: layers.sites,
    }, { collapsed: false, position: "topright" }).addTo(map);
  }

  function clusterIcon(c) {
    const size = Math.round(24 + 9 * Math.log10(c.count));
    return L.divIcon({
      html: `<div class="cluster-icon" style="width:${size}px;height:${size}px;background:${typeColour(c.type)}">` +
            `${c.count >= 1000 ? Math.round(c.count / 100) / 10 + "k" : c.count}</div>`,
      className: "cluster", iconSize: [size, size],
    });
  }
  function drawClusters(answer) {
    layers.events.clearLayers();
    S.lastClusters = answer.clusters;
    S.lastTotal = answer.total;
    for (const c of answer.clusters) {
      if (c.count === 1 && c.id) {
        const m = L.circleMarker([c.lat, c.lon], {
          radius: 7, color: "#fff", weight: 1.5, fillColor: typeColour(c.type), fillOpacity: 0.95,
          className: "ev-marker ev-" + c.id,
        });
        m.bindTooltip(esc(typeLabel(c.type)));
        m.on("click", () => showEvent(c.id));
        m.addTo(layers.events);
      } else {
        const m = L.marker([c.lat, c.lon], { icon: clusterIcon(c), keyboard: false });
        m.bindTooltip(`${fmtNumber(c.count)} ${esc(t("events_total"))}`);
        m.on("click", () => map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 16)));
        m.addTo(layers.events);
      }
    }
    drawStat();
    drawLegend();
  }
  function drawStat() {
    const n = S.lastTotal || 0;
    $("stat-total").textContent = `${fmtNumber(n)} ${t(n === 1 ? "event_one" : "events_total")} · ${t("in_view")}`;
  }
  async function loadClusters() {
    try {
      const answer = await api("/api/events/clusters", { ...filters(), bbox: viewBbox(), zoom: map.getZoom() },
                               "clusters");
      drawClusters(answer);
    } catch (err) { quiet(err); }
  }

  /* ---------- event list and detail ---------- */
  function evidenceHTML(ev) {
    const e = ev.evidence || {};
    const sentence = e.sentence || "";
    const text = e.text || "";
    if (sentence && e.span && e.sentence_span) {
      const off = e.span[0] - e.sentence_span[0];
      if (off >= 0 && sentence.substr(off, text.length) === text) {
        return esc(sentence.slice(0, off)) + "<mark>" + esc(text) + "</mark>" + esc(sentence.slice(off + text.length));
      }
    }
    return "<mark>" + esc(text) + "</mark>";
  }
  function dateLabel(ev) {
    if (ev.date) return ev.date;
    if (ev.published) return `${ev.published} (${t("report_date")})`;
    return t("unknown");
  }
  function placeLabel(ev) {
    const p = ev.place;
    if (!p) return t("unknown");
    const gov = p.governorate ? ` (${p.governorate})` : "";
    return (S.lang === "ar" ? p.surface : p.name_en || p.surface) + gov;
  }
  function actorsLabel(ev) {
    const parts = [actorLabel(ev.actor1), actorLabel(ev.actor2)].filter(Boolean);
    return parts.join(S.lang === "ar" ? " ضد " : " vs ") || t("unknown");
  }
  function sourceHTML(ev) {
    const label = esc(ev.outlet || ev.url || ev.doc_id);
    return ev.url ? `<a href="${esc(ev.url)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label;
  }
  function cardHTML(ev) {
    return `<li class="event-card${S.selected === ev.id ? " selected" : ""}" data-id="${esc(ev.id)}"
              style="--type-colour:${typeColour(ev.type)}" tabindex="0">
      <div class="event-head"><span class="badge">${esc(typeLabel(ev.type))}</span>
        <span class="meta">${esc(dateLabel(ev))}</span></div>
      <div class="meta"><b>${esc(actorsLabel(ev))}</b> · ${esc(placeLabel(ev))}</div>
      <p class="evidence" dir="rtl" lang="ar">${evidenceHTML(ev)}</p>
      <div class="source-link">${esc(t("source"))}: ${sourceHTML(ev)}</div>
    </li>`;
  }
  let listItems = [];
  function renderList() {
    $("event-list").innerHTML = listItems.length ? listItems.map(cardHTML).join("")
      : `<li class="meta">${esc(t("no_events"))}</li>`;
    $("events-count").textContent = `(${fmtNumber(S.listTotal)} ${t("in_view")})`;
    $("events-more").classList.toggle("hidden", listItems.length >= S.listTotal);
  }
  async function loadList(append) {
    S.listOffset = append ? listItems.length : 0;
    try {
      const page = await api("/api/events", { ...filters(), bbox: viewBbox(), limit: PAGE, offset: S.listOffset },
                             "list");
      listItems = append ? listItems.concat(page.items) : page.items;
      S.listTotal = page.total;
      renderList();
    } catch (err) { quiet(err); }
  }
  function detailHTML(ev) {
    const prec = t("precision_" + (ev.time_precision || 3));
    return `<div class="detail-head"><span class="badge" style="--type-colour:${typeColour(ev.type)}">
        ${esc(typeLabel(ev.type))}</span><button class="btn small" id="detail-close" type="button">${esc(t("close"))}</button></div>
      <div class="evidence-box"><div class="meta">${esc(t("evidence"))}</div>
        <p class="evidence" id="detail-evidence" dir="rtl" lang="ar">${evidenceHTML(ev)}</p></div>
      <dl>
        <dt>${esc(t("actors"))}</dt><dd>${esc(actorsLabel(ev))}</dd>
        <dt>${esc(t("date"))}</dt><dd>${esc(dateLabel(ev))}</dd>
        <dt>${esc(t("precision"))}</dt><dd>${esc(prec)}</dd>
        <dt>${esc(t("place"))}</dt><dd>${esc(placeLabel(ev))}</dd>
        ${ev.fatalities != null ? `<dt>${esc(t("fatalities"))}</dt><dd>${fmtNumber(ev.fatalities)}</dd>` : ""}
        <dt>${esc(t("sources"))}</dt><dd>${fmtNumber(ev.sources || 1)}</dd>
        <dt>${esc(t("confidence"))}</dt><dd>${Math.round((ev.confidence || 0) * 100)}%</dd>
        <dt>${esc(t("source"))}</dt><dd>${sourceHTML(ev)}</dd>
      </dl>`;
  }
  let detailEvent = null;
  function renderDetail() {
    const box = $("detail");
    if (!detailEvent) { box.classList.add("hidden"); return; }
    box.innerHTML = detailHTML(detailEvent);
    box.classList.remove("hidden");
    $("detail-close").addEventListener("click", () => { detailEvent = null; S.selected = null; renderDetail(); renderList(); });
  }
  async function showEvent(id) {
    try {
      detailEvent = await api(`/api/events/${encodeURIComponent(id)}`, {}, "detail");
      S.selected = id;
      renderDetail();
      renderList();
      $("detail").scrollIntoView({ block: "nearest" });
    } catch (err) { quiet(err); }
  }

  /* ---------- control timeline ---------- */
  function dayList(lo, hi) {
    const out = [];
    const d = new Date(lo + "T00:00:00Z");
    const end = new Date(hi + "T00:00:00Z");
    while (d <= end && out.length < 20000) {
      out.push(d.toISOString().slice(0, 10));
      d.setUTCDate(d.getUTCDate() + 1);
    }
    return out;
  }
  function full(d, fallback) {
    if (!d) return fallback;
    return d.length === 4 ? d + "-01-01" : d.length === 7 ? d + "-01" : d.slice(0, 10);
  }
  function setupSlider() {
    const today = new Date().toISOString().slice(0, 10);
    const hi = full(S.meta.date_max, today);
    const lo = full(S.meta.date_min, hi);
    S.days = dayList(lo, hi);
    const slider = $("slider");
    slider.min = 0;
    slider.max = Math.max(0, S.days.length - 1);
    slider.value = slider.max;
    S.dayIndex = Number(slider.value);
    $("slider-date").textContent = S.days[S.dayIndex] || "";
  }
  const loadControlSoon = debounce(() => loadControl(), 150);
  function onSlide() {
    S.dayIndex = Number($("slider").value);
    $("slider-date").textContent = S.days[S.dayIndex] || "";
    drawCursor();
    loadControlSoon();
  }
  async function loadControl() {
    const day = S.days[S.dayIndex];
    if (!day) return;
    try {
      const [geo, shares] = await Promise.all([
        api("/api/control/geojson", { date: day }, "control"),
        api("/api/control/shares", { date: day }, "shares"),
      ]);
      layers.control.clearLayers();
      layers.control.addData(geo);
      document.body.dataset.controlDate = day;
      document.body.dataset.controlFeatures = String(geo.features.length);
      S.lastShares = shares.shares;
      renderShares();
      drawLegend();
    } catch (err) { quiet(err); }
  }
  function renderShares() {
    const items = [...S.lastShares].sort((a, b) => (b.percent || 0) - (a.percent || 0));
    $("shares").innerHTML = items.length ? items.map((s) => `<li><span class="swatch" style="background:${actorColour(s.actor)}"></span>
      <span>${esc(actorLabel(s.actor))}</span><b>${(s.percent || 0).toFixed(1)}%</b></li>`).join("")
      : `<li class="meta">${esc(t("no_control"))}</li>`;
  }
  async function loadSeries() {
    try {
      S.series = await api("/api/control/series", { points: 40 }, "series");
      drawChart();
    } catch (err) { quiet(err); }
  }
  function chartX(date) {
    const s = S.series;
    if (!s || !s.dates.length) return 0;
    const a = Date.parse(s.dates[0]);
    const b = Date.parse(s.dates[s.dates.length - 1]);
    return b > a ? 10 + (580 * (Date.parse(date) - a)) / (b - a) : 300;
  }
  function drawChart() {
    const svg = $("share-chart");
    const s = S.series;
    if (!s || !s.dates.length) { svg.innerHTML = ""; return; }
    const y = (v) => 140 - (130 * Math.min(100, v)) / 100;
    let html = "";
    for (const v of [0, 25, 50, 75, 100]) {
      html += `<line x1="10" x2="590" y1="${y(v)}" y2="${y(v)}" stroke="#e3e7ec" stroke-width="1"/>`;
    }
    for (const [actor, values] of Object.entries(s.series)) {
      const pts = values.map((v, i) => `${chartX(s.dates[i]).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      const dash = actor === "unknown" ? ' stroke-dasharray="4 3"' : "";
      html += `<polyline points="${pts}" fill="none" stroke="${actorColour(actor)}" stroke-width="2.2"${dash}
                 vector-effect="non-scaling-stroke"><title>${esc(actorLabel(actor))}</title></polyline>`;
    }
    html += `<line id="chart-cursor" y1="4" y2="146" stroke="#14324a" stroke-width="1.5" stroke-dasharray="3 3"
               vector-effect="non-scaling-stroke"/>`;
    svg.innerHTML = html;
    drawCursor();
  }
  function drawCursor() {
    const c = document.getElementById("chart-cursor");
    const day = S.days[S.dayIndex];
    if (c && day) { const x = chartX(day); c.setAttribute("x1", x); c.setAttribute("x2", x); }
  }
  function togglePlay() {
    if (S.playing) { clearInterval(S.playing); S.playing = null; $("play").textContent = t("play"); return; }
    const slider = $("slider");
    const step = Math.max(1, Math.round(S.days.length / 60));
    if (Number(slider.value) >= Number(slider.max)) slider.value = 0;
    S.playing = setInterval(() => {
      const next = Math.min(Number(slider.max), Number(slider.value) + step);
      slider.value = next;
      onSlide();
      if (next >= Number(slider.max)) togglePlay();
    }, 400);
    $("play").textContent = t("pause");
  }

  /* ---------- sieges, sites, boundaries, legend ---------- */
  async function loadStatic() {
    try {
      const geo = await api("/api/boundaries", {});
      layers.boundaries.clearLayers();
      layers.boundaries.addData(geo);
    } catch (err) { quiet(err); }
    try {
      const sieges = await api("/api/sieges", {});
      layers.sieges.clearLayers();
      for (const s of sieges.items) {
        if (s.lat == null || s.lon == null) continue;
        L.circleMarker([s.lat, s.lon], { radius: 13, color: "#78281f", weight: 3, dashArray: "4 3", fill: false,
                                         className: "siege-marker" })
          .bindTooltip(`${esc(t("siege"))}: ${esc(S.lang === "ar" ? s.place_ar || s.place : s.place)} — ` +
                       `${esc(t("besieger"))}: ${esc(actorLabel(s.besieger))}`)
          .addTo(layers.sieges);
      }
      const sites = await api("/api/sites", {});
      layers.sites.clearLayers();
      for (const s of sites.items) {
        if (s.lat == null || s.lon == null) continue;
        const icon = L.divIcon({ className: "site-icon" + (s.holder ? "" : " unheld"), iconSize: [14, 14],
                                 html: `<span style="color:${s.holder ? actorColour(s.holder) : "#7b8794"}">◆</span>` });
        L.marker([s.lat, s.lon], { icon })
          .bindTooltip(`${esc(S.lang === "ar" ? s.name_ar || s.name : s.name || s.name_ar)} — ${esc(t("holder"))}: ` +
                       `${esc(s.holder ? actorLabel(s.holder) : t("unknown"))}`)
          .addTo(layers.sites);
      }
    } catch (err) { quiet(err); }
  }
  function drawLegend() {
    const types = [...new Set(S.lastClusters.map((c) => c.type))].slice(0, 8);
    const actors = [...new Set(S.lastShares.map((s) => s.actor))].slice(0, 8);
    let html = "";
    if (types.length) {
      html += `<h3>${esc(t("layers_events"))}</h3>` + types.map((ty) =>
        `<div><span class="swatch" style="background:${typeColour(ty)};border-radius:50%"></span>${esc(typeLabel(ty))}</div>`).join("");
    }
    if (actors.length) {
      html += `<h3>${esc(t("layers_control"))}</h3>` + actors.map((a) =>
        `<div><span class="swatch" style="background:${actorColour(a)}"></span>${esc(actorLabel(a))}</div>`).join("");
    }
    $("legend").innerHTML = html;
    $("legend").classList.toggle("hidden", !html);
  }

  /* ---------- language ---------- */
  function applyLang() {
    const html = document.documentElement;
    html.lang = S.lang;
    html.dir = S.lang === "ar" ? "rtl" : "ltr";
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    document.title = S.lang === "ar" ? "مرصد · marsad" : "marsad · مرصد";
    $("play").textContent = S.playing ? t("pause") : t("play");
    if (S.meta) fillFilterOptions();
    buildLayerControl();
    renderList();
    renderDetail();
    renderShares();
    drawLegend();
    drawStat();
    drawChart();
    loadStatic();
  }
  function toggleLang() {
    S.lang = S.lang === "ar" ? "en" : "ar";
    localStorage.setItem("marsad.lang", S.lang);
    applyLang();
  }

  /* ---------- wiring ---------- */
  const refresh = debounce(() => { loadClusters(); loadList(false); updateExportLinks(); }, 200);
  async function init() {
    S.meta = await api("/api/meta", {});
    for (const a of S.meta.actors) S.actors[a.id] = a;
    fillFilterOptions();
    setupSlider();
    applyLang();
    map.on("moveend", refresh);
    $("f-apply").addEventListener("click", refresh);
    for (const id of ["f-actor", "f-type", "f-gov", "f-from", "f-to"]) $(id).addEventListener("change", refresh);
    $("f-reset").addEventListener("click", () => {
      for (const id of ["f-actor", "f-type", "f-gov", "f-from", "f-to"]) $(id).value = "";
      refresh();
    });
    $("events-more").addEventListener("click", () => loadList(true));
    $("event-list").addEventListener("click", (e) => {
      const card = e.target.closest(".event-card");
      if (card && !e.target.closest("a")) showEvent(card.dataset.id);
    });
    $("event-list").addEventListener("keydown", (e) => {
      const card = e.target.closest(".event-card");
      if (card && e.key === "Enter") showEvent(card.dataset.id);
    });
    $("slider").addEventListener("input", onSlide);
    $("play").addEventListener("click", togglePlay);
    $("lang-toggle").addEventListener("click", toggleLang);
    await Promise.all([loadClusters(), loadList(false), loadControl(), loadSeries()]);
    updateExportLinks();
    document.body.dataset.ready = "1";
  }
  async function reload() {
    S.meta = await api("/api/meta", {});
    for (const a of S.meta.actors) S.actors[a.id] = a;
    fillFilterOptions();
    setupSlider();
    await Promise.all([loadClusters(), loadList(false), loadControl(), loadSeries(), loadStatic()]);
  }
  window.marsad = { reload, state: S, map };
  init().catch((err) => { console.error(err); document.body.dataset.error = String(err); });
})();
