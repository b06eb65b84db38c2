// The map: the scenario's own units, borders and barriers (no tiles), coloured by
// community; centers by remedy; selection by click, box or lasso.
/* global L */
import { num, remedyName, t } from "./i18n.js";

const PALETTE = ["#8dd3c7", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69",
  "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#a6cee3", "#fb9a99"];
const REMEDY_COLOR = { keep: "#2e7d32", renovate: "#1565c0", extend: "#1e88e5",
  swap: "#6a1b9a", purchase: "#8e24aa", build: "#ef6c00", codevelop: "#00897b" };
const FAIL = "#d32f2f";

function mix(a, b, w) {
  const p = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [x, y] = [p(a), p(b)];
  return "#" + x.map((v, i) => Math.round(v * (1 - w) + y[i] * w).toString(16).padStart(2, "0")).join("");
}

function inside(pt, poly) {          // ray casting on [lng, lat] pairs
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

export class PlanMap {
  constructor(el, data, onSelect) {
    this.data = data;
    this.onSelect = onSelect;
    this.units = data.units.features;
    this.assign = [];
    this.grid = [];
    this.comms = new Map();
    this.selected = new Set();
    this.diff = null;
    this.colors = new Map();
    this.tool = "click";
    this.map = L.map(el, { preferCanvas: true, boxZoom: false, zoomSnap: 0.25,
      attributionControl: false });
    this.renderer = L.canvas({ padding: 0.2, tolerance: 2 });
    this.layers = [];
    this.unitLayer = L.geoJSON(data.units, { renderer: this.renderer,
      style: (f) => this.style(f.properties.i),
      onEachFeature: (f, layer) => {
        this.layers[f.properties.i] = layer;
        layer.on("click", (e) => this.clickUnit(f.properties.i, e.originalEvent));
        layer.bindTooltip(() => this.tooltip(f.properties.i), { sticky: true });
      } }).addTo(this.map);
    L.geoJSON(data.streets, { renderer: this.renderer, interactive: false,
      style: { color: "#455a64", weight: 1.6, fill: false } }).addTo(this.map);
    L.geoJSON(data.counties, { renderer: this.renderer, interactive: false,
      style: { color: "#212121", weight: 3, fill: false } }).addTo(this.map);
    L.geoJSON(data.barriers, { renderer: this.renderer, interactive: false,
      style: { color: "#0277bd", weight: 3, dashArray: "6 4", fill: false } }).addTo(this.map);
    this.centerLayer = L.layerGroup().addTo(this.map);
    this.drawLayer = L.layerGroup().addTo(this.map);
    this.map.fitBounds(data.bounds);
    this.legend().addTo(this.map);
    this.map.on("zoomend", () => this.restyleAll());
    this.installTools();
  }

  legend() {
    const box = L.control({ position: "bottomright" });
    box.onAdd = () => {
      const div = L.DomUtil.create("div", "legend");
      for (const [code, color] of Object.entries(REMEDY_COLOR)) {
        const row = L.DomUtil.create("div", "", div);
        const dot = L.DomUtil.create("span", "dot", row);
        dot.style.background = color;
        row.append(remedyName(code));
      }
      const bad = L.DomUtil.create("div", "", div);
      const sw = L.DomUtil.create("span", "swatch", bad);
      sw.style.background = FAIL;
      bad.append(t("fail"));
      return div;
    };
    return box;
  }

  // --- colours ---------------------------------------------------------------------
  recolor() {                       // greedy colouring: neighbours get different colours
    const adj = new Map();
    for (const f of this.units) {
      const a = this.assign[f.properties.i];
      if (!a) continue;
      if (!adj.has(a)) adj.set(a, new Set());
      for (const j of f.properties.nb) {
        const b = this.assign[j];
        if (b && b !== a) adj.get(a).add(b);
      }
    }
    const order = [...adj.keys()].sort();
    const colors = new Map();
    for (const c of order) {
      const taken = new Set([...adj.get(c)].map((n) => colors.get(n)));
      let k = 0;
      while (taken.has(k) && k < PALETTE.length - 1) k++;
      colors.set(c, k);
    }
    this.colors = colors;
  }

  style(i) {
    const c = this.assign[i];
    const com = this.comms.get(c);
    const zoomed = this.map && this.map.getZoom() >= 15;
    let fill = c ? PALETTE[this.colors.get(c) ?? 0] : "#eeeeee";
    let color = "#ffffff", weight = zoomed ? 1.2 : 0.6;
    if (com && com.status === "fail") { fill = mix(fill, FAIL, 0.55); color = FAIL; weight = 1.4; }
    if (com && com.status === "exempt") { color = "#f9a825"; }
    if (com && com.locked) { color = "#37474f"; weight = 2; }
    let opacity = 0.8;
    if (zoomed && this.grid[i]) {       // grids on zoom: each grid a shade of its community
      const g = Number((this.grid[i].match(/G(\d+)$/) || [0, 0])[1]);
      opacity = 0.55 + 0.3 * ((g % 3) / 2);
    }
    if (this.diff) opacity = this.diff.has(i) ? 0.95 : 0.18;
    if (this.focus && c === this.focus) weight += 1;
    if (this.selected.has(i)) { color = "#000000"; weight = 3; }
    return { fillColor: fill, fillOpacity: opacity, color, weight };
  }

  restyle(indices) { for (const i of indices) this.layers[i]?.setStyle(this.style(i)); }
  restyleAll() { for (const f of this.units) this.layers[f.properties.i].setStyle(this.style(f.properties.i)); }

  tooltip(i) {
    const p = this.units[i].properties;
    const c = this.assign[i];
    return `${p.id} · ${num(p.households)} ${t("households")}<br>${p.street}` +
      (c ? `<br>${t("community")} ${c}` : "") + (this.grid[i] ? `<br>${t("grids")} ${this.grid[i]}` : "");
  }

  setPlan(assign, communities, grid) {
    this.assign = assign;
    this.grid = grid || [];
    this.comms = new Map(communities.map((c) => [c.id, c]));
    this.recolor();
    this.restyleAll();
    this.drawCenters();
  }

  applyChange(units, communities, removed, grids) {
    const index = new Map(this.units.map((f) => [f.properties.id, f.properties.i]));
    const dirty = new Set();
    for (const [u, g] of Object.entries(grids || {})) this.grid[index.get(u)] = g;
    for (const [u, c] of Object.entries(units)) { const i = index.get(u); this.assign[i] = c; }
    for (const c of communities) this.comms.set(c.id, c);
    for (const c of removed) this.comms.delete(c);
    const touched = new Set([...communities.map((c) => c.id), ...removed]);
    this.assign.forEach((c, i) => { if (touched.has(c)) dirty.add(i); });
    for (const u of Object.keys(units)) dirty.add(index.get(u));
    const before = new Map(this.colors);
    this.recolor();
    this.assign.forEach((c, i) => { if (before.get(c) !== this.colors.get(c)) dirty.add(i); });
    this.restyle(dirty);
    this.drawCenters();
  }

  drawCenters() {
    this.centerLayer.clearLayers();
    const index = new Map(this.units.map((f) => [f.properties.id, f.properties]));
    for (const c of this.comms.values()) {
      const p = index.get(c.center);
      if (!p) continue;
      const m = L.circleMarker([p.pt[1], p.pt[0]], { renderer: this.renderer, radius: 6,
        color: "#ffffff", weight: 1.5, fillColor: REMEDY_COLOR[c.remedy] || "#000",
        fillOpacity: 1, bubblingMouseEvents: false });
      m.bindTooltip(`${c.id}: ${remedyName(c.remedy)} ${c.site_id || ""}`);
      m.on("click", (e) => this.clickUnit(p.i, e.originalEvent));
      m.addTo(this.centerLayer);
    }
  }

  setDiff(units) {
    if (!units) { this.diff = null; this.restyleAll(); return; }
    const index = new Map(this.units.map((f) => [f.properties.id, f.properties.i]));
    this.diff = new Set(units.map((u) => index.get(u)));
    this.restyleAll();
  }

  setFocus(cid) { const old = this.focus; this.focus = cid;
    this.assign.forEach((c, i) => { if (c === old || c === cid) this.layers[i].setStyle(this.style(i)); }); }

  // --- selection ------------------------------------------------------------------
  select(indices, add) {
    const dirty = new Set(this.selected);
    if (!add) this.selected.clear();
    for (const i of indices) {
      if (add && this.selected.has(i) && indices.length === 1) this.selected.delete(i);
      else this.selected.add(i);
      dirty.add(i);
    }
    this.restyle(dirty);
    this.onSelect([...this.selected].map((i) => this.units[i].properties));
  }

  clickUnit(i, ev) { if (this.tool === "click") this.select([i], ev && (ev.shiftKey || ev.ctrlKey || ev.metaKey)); }

  setTool(tool) {
    this.tool = tool;
    if (tool === "click") this.map.dragging.enable(); else this.map.dragging.disable();
  }

  installTools() {
    let path = null, start = null;
    this.map.on("mousedown", (e) => {
      if (this.tool === "click") return;
      start = e.latlng; path = [e.latlng];
    });
    this.map.on("mousemove", (e) => {
      if (!path) return;
      this.drawLayer.clearLayers();
      // On the units' own canvas: a second canvas (Leaflet's default renderer) would
      // lie over it and take every later click on a unit.
      const line = { renderer: this.renderer, color: "#000", dashArray: "4 3", interactive: false };
      if (this.tool === "box") L.rectangle(L.latLngBounds(start, e.latlng), { ...line, weight: 1, fill: false }).addTo(this.drawLayer);
      else { path.push(e.latlng); L.polyline(path, { ...line, weight: 1.5 }).addTo(this.drawLayer); }
    });
    this.map.on("mouseup", (e) => {
      if (!path) return;
      const add = e.originalEvent.shiftKey;
      let hits;
      if (this.tool === "box") {
        const b = L.latLngBounds(start, e.latlng);
        hits = this.units.filter((f) => b.contains([f.properties.pt[1], f.properties.pt[0]]));
      } else {
        const poly = path.map((p) => [p.lng, p.lat]);
        hits = poly.length > 2 ? this.units.filter((f) => inside(f.properties.pt, poly)) : [];
      }
      path = null; this.drawLayer.clearLayers();
      this.select(hits.map((f) => f.properties.i), add);
    });
  }
}
