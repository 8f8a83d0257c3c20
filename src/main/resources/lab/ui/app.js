// The lab's live page: one server-sent event per change of the lab's picture, drawn as SVG and a table; actions
// are the CLI's own commands, run by the lab's daemon. No library, no build step.
"use strict";
(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  const q = (s) => document.querySelector(s);
  const NS = "http://www.w3.org/2000/svg";
  let state = null;
  let selected = null;
  // every picture received, with the browser's clock: what the tests and bench/ui read
  window.__lab = { updates: [] };

  function el(tag, attrs, text) {
    const e = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function size(bytes) {
    if (!bytes) return "";
    return bytes < 1024 ? bytes + " B" : bytes < 1048576 ? Math.round(bytes / 1024) + " kB" : Math.round(bytes / 1048576) + " MB";
  }

  // ---- the picture -------------------------------------------------------------------------------------------
  function layout(nodes) {
    const members = nodes.filter((n) => n.role === "member");
    const others = nodes.filter((n) => n.role !== "member");
    const pos = {};
    const cx = 320, cy = others.length ? 240 : 310, r = members.length > 1 ? (others.length ? 180 : 230) : 0;
    members.forEach((n, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / members.length;
      pos[n.name] = { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a), shape: "circle" };
    });
    const perRow = Math.min(17, Math.max(1, others.length));
    const cell = Math.min(60, 600 / perRow);
    others.forEach((n, i) => {
      const row = Math.floor(i / perRow), col = i % perRow;
      const rowCount = Math.min(perRow, others.length - row * perRow);
      const x0 = 320 - (rowCount * cell) / 2 + cell / 2;
      pos[n.name] = { x: x0 + col * cell, y: 500 + row * cell, shape: "rect", cell: cell };
    });
    return pos;
  }

  function linkState(a, b) {
    const cut = state.cut.map((l) => l.join("|"));
    const ab = cut.includes(a + "|" + b), ba = cut.includes(b + "|" + a);
    if (ab && ba) return { state: "cut", from: a, to: b };
    if (ab) return { state: "oneway", from: a, to: b };
    if (ba) return { state: "oneway", from: b, to: a };
    const d = state.delays[a] || state.delays[b];
    if (d) return { state: "delayed", from: a, to: b, label: d[0] + "ms" + (d[1] ? "±" + d[1] : "") };
    return { state: "ok", from: a, to: b };
  }

  // Elements are kept and changed in place, never rebuilt while the lab is the same shape: a picture arrives
  // several times a second, and a button replaced between a press and its release loses the click.
  function setAttrs(e, attrs) {
    for (const [k, v] of Object.entries(attrs)) if (e.getAttribute(k) !== String(v)) e.setAttribute(k, v);
  }
  function setText(e, t) { if (e.textContent !== t) e.textContent = t; }

  let shape = "";
  function drawPicture() {
    const links = q("#links"), nodes = q("#nodes");
    const members = state.nodes.filter((n) => n.role === "member" && n.process !== "removed");
    const now = state.nodes.map((n) => n.name + ":" + n.role + ":" + n.learner + ":" + (n.process === "removed")).join(",");
    const pos = layout(state.nodes);
    const others = state.nodes.length - state.nodes.filter((n) => n.role === "member").length;
    // big circles with their raft figures while they fit the ring; small numbered ones beyond (the table has all)
    const big = members.length <= 5 || (members.length <= 7 && others === 0);
    if (now !== shape) { // another set of nodes: lay everything out again
      shape = now;
      links.replaceChildren();
      nodes.replaceChildren();
      for (let i = 0; i < members.length; i++) {
        for (let j = i + 1; j < members.length; j++) {
          const key = [members[i].name, members[j].name].sort().join("|");
          const line = el("svg:line", { class: "link", "data-link": key });
          line.appendChild(el("svg:title"));
          links.appendChild(line);
          links.appendChild(el("svg:text", { class: "delay", "data-for": key }));
        }
      }
      for (const n of state.nodes) {
        const p = pos[n.name];
        const g = el("svg:g", { class: "node", "data-node": n.name, transform: "translate(" + p.x + "," + p.y + ")" });
        g.appendChild(el("svg:title"));
        if (p.shape === "circle") {
          const r = big ? 38 : 22;
          g.appendChild(el("svg:circle", { r: n.learner ? r * 0.8 : r }));
          g.appendChild(el("svg:text", { class: "name", y: big ? -2 : 4 }, big ? n.name : n.name.replace(/^core-/, "")));
          g.appendChild(el("svg:text", { class: "health", y: 15 }));
          g.appendChild(el("svg:text", { class: "raft", y: r + 16 }));
          g.appendChild(el("svg:text", { class: "star", y: -r - 6 }));
        } else {
          const c = p.cell * 0.7;
          g.appendChild(el("svg:rect", { x: -c / 2, y: -c / 2, width: c, height: c, rx: n.role === "proxy" ? c / 2 : 3 }));
          if (p.cell >= 50) g.appendChild(el("svg:text", { y: c / 2 + 13 }, n.name));
        }
        g.addEventListener("click", () => { selected = selected === n.name ? null : n.name; render(); });
        nodes.appendChild(g);
      }
    }
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i].name, b = members[j].name, key = [a, b].sort().join("|");
        const s = linkState(a, b);
        const p = pos[s.from], t = pos[s.to];
        const rr = big ? 38 : 22;
        const dx = t.x - p.x, dy = t.y - p.y, len = Math.hypot(dx, dy) || 1; // edge to edge: an arrow's head shows
        const line = links.querySelector('line[data-link="' + key + '"]');
        setAttrs(line, { "data-state": s.state, "data-from": s.from, "data-to": s.to,
          x1: p.x + (dx * rr) / len, y1: p.y + (dy * rr) / len, x2: t.x - (dx * rr) / len, y2: t.y - (dy * rr) / len });
        setText(line.firstChild, s.state === "oneway" ? s.from + " → " + s.to + ": messages dropped"
          : s.state === "cut" ? a + " ✕ " + b + ": cut both ways" : s.state === "delayed" ? "delayed " + s.label : a + " — " + b);
        const label = links.querySelector('text[data-for="' + key + '"]');
        setAttrs(label, { x: (p.x + t.x) / 2, y: (p.y + t.y) / 2 - 4 });
        setText(label, s.label || "");
      }
    }
    for (const n of state.nodes) {
      const g = nodes.querySelector('g[data-node="' + n.name + '"]');
      setAttrs(g, { class: "node" + (selected === n.name ? " selected" : ""), "data-role": n.role,
        "data-process": n.process, "data-leader": String(n.leader), "data-learner": String(n.learner) });
      setText(g.querySelector("title"), n.name + " (" + n.role + (n.learner ? ", learner" : "") + ", " + n.process + ")"
        + (n.units.length ? ": " + n.units.map((u) => u.unit + " " + u.active).join(", ") : ""));
      if (g.querySelector("circle")) {
        setText(g.querySelector("text.health"), !big ? "" : n.process === "running" ? (n.healthy ? "healthy" : "unhealthy") : n.process);
        setText(g.querySelector("text.raft"), big && n.term ? "term " + n.term + " · index " + n.index + (n.dbSize ? " · " + size(n.dbSize) : "") : "");
        setText(g.querySelector("text.star"), n.leader ? "★" : "");
      }
    }
  }

  // ---- the table ---------------------------------------------------------------------------------------------
  function button(action, node, label) {
    return el("button", { "data-action": action, "data-node": node }, label || action);
  }

  function buttons(n) {
    const out = [];
    if (n.role !== "worker" && n.process !== "removed") {
      for (const a of ["kill", "stop", "start", "pause", "resume", "wipe"]) out.push(button(a, n.name));
    }
    if (n.role === "member" && n.process !== "removed") {
      out.push(button("isolate", n.name));
      out.push(button("delay", n.name, "delay 200ms"));
      const others = state.nodes.filter((m) => m.role === "member" && m.name !== n.name && m.process !== "removed");
      for (const m of others.slice(0, 4)) out.push(el("button", { "data-action": "block", "data-from": n.name, "data-to": m.name }, "block → " + m.name));
      if (n.learner) out.push(button("promote", n.name));
      out.push(button("remove", n.name));
    }
    return out;
  }

  function drawTable() {
    const rows = q("#rows");
    const names = state.nodes.map((n) => n.name).join(",");
    if (rows.dataset.names !== names) {
      rows.dataset.names = names;
      rows.replaceChildren(...state.nodes.map((n) => {
        const tr = el("tr", { "data-node": n.name });
        for (let i = 0; i < 10; i++) tr.appendChild(el("td"));
        tr.lastChild.className = "units";
        tr.appendChild(el("td", { class: "act" }));
        return tr;
      }));
    }
    for (const n of state.nodes) {
      const tr = rows.querySelector('tr[data-node="' + n.name + '"]');
      tr.className = selected === n.name ? "selected" : "";
      const etcd = n.role !== "worker";
      const cells = [n.name, n.role + (n.learner ? " (learner)" : ""), n.address, n.process, n.leader ? "★" : "",
        etcd && n.term ? n.term : "", etcd && n.index ? n.index : "", size(n.dbSize),
        n.role === "worker" || n.process === "removed" ? "" : n.healthy ? "healthy" : "unhealthy",
        n.units.map((u) => u.unit + " " + u.active + "/" + u.sub).join(", ")];
      cells.forEach((v, i) => setText(tr.children[i], String(v)));
      setAttrs(tr.children[3], { "data-process": n.process });
      const act = tr.children[10];
      const want = buttons(n);
      const signature = want.map((b) => b.outerHTML).join("");
      if (act.dataset.signature !== signature) {
        act.dataset.signature = signature;
        act.replaceChildren(...want);
      }
    }
    const groups = q("#groups");
    const memberNames = state.nodes.filter((m) => m.role === "member" && m.process !== "removed").map((m) => m.name);
    if (groups.dataset.names !== memberNames.join(",")) {
      groups.dataset.names = memberNames.join(",");
      const kept = {};
      groups.querySelectorAll("select").forEach((s) => (kept[s.dataset.node] = s.value));
      groups.replaceChildren();
      for (const name of memberNames) {
        const s = el("select", { "data-node": name });
        for (const g of ["A", "B", "C"]) s.appendChild(el("option", { value: g }, g));
        s.value = kept[name] || "A";
        const l = el("label", {}, name + " ");
        l.appendChild(s);
        groups.appendChild(l);
        groups.appendChild(document.createTextNode(" "));
      }
    }
  }

  // ---- the charts ----------------------------------------------------------------------------------------------
  function drawWrites() {
    const c = q("#writes"), g = c.getContext("2d"), w = c.width, h = c.height;
    g.clearRect(0, 0, w, h);
    const now = Date.now(), ok = new Array(60).fill(0), bad = new Array(60).fill(0);
    for (const [t, good] of state.writes) {
      const i = 59 - Math.floor((now - t) / 1000);
      if (i >= 0 && i < 60) (good ? ok : bad)[i]++;
    }
    const max = Math.max(4, ...ok.map((v, i) => v + bad[i]));
    const bw = w / 60;
    for (let i = 0; i < 60; i++) {
      const ho = (ok[i] / max) * (h - 14), hb = (bad[i] / max) * (h - 14);
      if (bad[i]) { g.fillStyle = "rgba(198,40,40,.12)"; g.fillRect(i * bw, 0, bw, h); }
      g.fillStyle = "#2e7d32"; g.fillRect(i * bw + 1, h - ho, bw - 2, ho);
      g.fillStyle = "#c62828"; g.fillRect(i * bw + 1, h - ho - hb, bw - 2, hb);
    }
    g.fillStyle = "#757575"; g.font = "11px sans-serif";
    g.fillText(max + "/s", 4, 11);
  }

  function drawTerms() {
    const c = q("#terms"), g = c.getContext("2d"), w = c.width, h = c.height;
    g.clearRect(0, 0, w, h);
    const now = Date.now(), pts = state.terms;
    if (!pts.length) return;
    const lo = Math.min(...pts.map((p) => p[1])), hi = Math.max(...pts.map((p) => p[1]));
    const y = (v) => h - 8 - ((v - lo) / Math.max(1, hi - lo)) * (h - 22);
    const x = (t) => Math.max(0, w - ((now - t) / 60000) * w);
    g.strokeStyle = "#1565c0"; g.lineWidth = 2; g.beginPath();
    pts.forEach((p, i) => { if (i === 0) g.moveTo(x(p[0]), y(p[1])); else { g.lineTo(x(p[0]), y(pts[i - 1][1])); g.lineTo(x(p[0]), y(p[1])); } });
    g.lineTo(w, y(pts[pts.length - 1][1])); g.stroke();
    g.fillStyle = "#757575"; g.font = "11px sans-serif";
    g.fillText("term " + hi, 4, 11);
  }

  // ---- the scenario ------------------------------------------------------------------------------------------
  let shown = [];
  function drawTimeline() {
    const ol = q("#timeline");
    const lines = state.timeline;
    if (lines.length) {
      // a new run starts its own list; otherwise only the new lines are added
      const same = shown.length <= lines.length && shown.every((l, i) => l === lines[i]);
      if (!same || !shown.length) ol.replaceChildren();
      for (const l of lines.slice(same ? shown.length : 0)) {
        ol.appendChild(el("li", { class: /\bFAIL\b|ERROR/.test(l) ? "fail" : /\bok\b|PASS/.test(l) ? "ok" : "" }, l));
      }
      if (lines.length !== shown.length) ol.scrollTop = ol.scrollHeight;
      shown = lines.slice();
    }
    q("#step").hidden = !state.step.waiting;
    setText(q("#step-text"), state.step.text);
  }

  function render() {
    if (!state) return;
    document.title = "lab " + state.name + ": " + state.quorum.words;
    document.body.classList.toggle("read-only", state.readOnly);
    setText(q("#lab-name"), "lab " + state.name);
    setText(q("#provider"), state.provider);
    const quorum = q("#quorum");
    setText(quorum, state.quorum.words + (state.quorum.term ? " (term " + state.quorum.term + ")" : ""));
    quorum.dataset.state = state.quorum.state;
    quorum.dataset.leader = state.quorum.leader || "";
    const alarms = q("#alarms");
    const raised = state.alarms || [];
    alarms.hidden = raised.length === 0;
    setText(alarms, raised.length ? "alarm: " + raised.join(", ") + " (writes are refused: compact, defragment, "
        + "then disarm)" : "");
    drawPicture();
    drawTable();
    drawWrites();
    drawTerms();
    drawTimeline();
  }

  // ---- actions -----------------------------------------------------------------------------------------------
  async function act(body) {
    const out = q("#result");
    out.className = "muted";
    out.textContent = "running: " + JSON.stringify(body) + " ...";
    try {
      const r = await fetch("/ui/action?token=" + encodeURIComponent(token), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (r.status !== 200) { out.className = "error"; out.textContent = await r.text(); return; }
      const a = await r.json();
      out.className = a.exit === 0 ? "" : "error";
      out.dataset.exit = a.exit;
      out.textContent = (a.command ? "$ " + a.command + "\n" : "") + a.output + (a.exit === 0 ? "" : "(exit " + a.exit + ")");
    } catch (e) {
      out.className = "error";
      out.textContent = "the lab's daemon did not answer: " + e;
    }
  }

  document.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-action]");
    if (!b) return;
    const a = b.dataset.action, node = b.dataset.node;
    if (a === "advance") {
      fetch("/ui/advance?token=" + encodeURIComponent(token), { method: "POST" });
      return;
    }
    if (a === "delay") return act({ verb: "delay", node: node, ms: 200, jitter: 50 });
    if (a === "block") return act({ verb: "block", from: b.dataset.from, to: b.dataset.to });
    if (a === "add-member") return act({ verb: "add-member", learner: q("#learner").checked });
    if (a === "put" || a === "get") return act({ verb: a, key: q("#key").value, value: q("#value").value });
    if (a === "partition") {
      const groups = {};
      q("#groups").querySelectorAll("select").forEach((s) => (groups[s.value] = (groups[s.value] || []).concat(s.dataset.node)));
      return act({ verb: "partition", groups: Object.values(groups) });
    }
    return act({ verb: a, node: node });
  });

  // ---- the stream ----------------------------------------------------------------------------------------------
  const events = new EventSource("/ui/events?token=" + encodeURIComponent(token));
  events.onmessage = (m) => {
    state = JSON.parse(m.data);
    window.__lab.updates.push({ at: Date.now(), leader: state.quorum.leader,
      processes: Object.fromEntries(state.nodes.map((n) => [n.name, n.process])) });
    if (window.__lab.updates.length > 1000) window.__lab.updates.shift();
    q("#connection").textContent = "";
    render();
  };
  events.onerror = () => {
    q("#connection").textContent = "the lab's daemon does not answer: reconnecting (a lab taken down stays so)";
  };
  // the charts move with time even when nothing else changes
  setInterval(() => { if (state) { drawWrites(); drawTerms(); } }, 1000);
})();
