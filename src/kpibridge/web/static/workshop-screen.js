// The projector: every figure arrives by server-sent events (one open connection; the
// browser never polls). Text is set with textContent, never as HTML.
"use strict";
(function () {
  const screen = document.getElementById("screen");
  if (!screen) return;
  const code = screen.dataset.code;
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = ["#58a6ff", "#f0883e", "#bc8cff", "#3fb950", "#d29922"];
  const $ = function (id) { return document.getElementById(id); };

  function list(id, items, render) {
    const target = $(id);
    target.replaceChildren();
    items.forEach(function (item) {
      const li = document.createElement("li");
      render(li, item);
      target.appendChild(li);
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "small"; li.textContent = "nothing yet";
      target.appendChild(li);
    }
  }
  function percent(x) { return Math.round(x * 100) + "%"; }

  function draw(map) {
    const svg = $("map");
    svg.replaceChildren();
    (map.points || []).forEach(function (p) {
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", p.x); dot.setAttribute("cy", -p.y); dot.setAttribute("r", 0.045);
      dot.setAttribute("fill", p.group >= 0 ? COLOURS[p.group % COLOURS.length] : "#8b949e");
      dot.setAttribute("fill-opacity", "0.8");
      svg.appendChild(dot);
    });
    const groups = map.k ? map.k + " opinion group" + (map.k === 1 ? "" : "s") : "the map appears after 3 people have voted";
    $("map-note").textContent = groups + ((map.notes && map.notes.length) ? " · " + map.notes[map.notes.length - 1] : "");
  }

  let ends = null;
  function render(f) {
    const w = f.workshop;
    $("phase").textContent = w.phase;
    $("locked").hidden = !w.locked;
    ends = w.timer_ends_at ? Date.parse(w.timer_ends_at) : null;
    $("n-participants").textContent = f.participants.active;
    $("n-statements").textContent = f.statements.accepted;
    $("n-votes").textContent = f.votes;
    $("n-rankings").textContent = f.rankings;
    const hidden = f.map === null;
    $("panels").hidden = hidden;
    $("hidden-note").hidden = !hidden;
    $("removed").textContent = (f.removed_notes || []).join(" · ");
    if (hidden) return;
    draw(f.map);
    list("common-ground", f.common_ground, function (li, s) {
      li.textContent = "“" + s.text + "” ";
      const small = document.createElement("span"); small.className = "small";
      small.textContent = "every group ≥ " + percent(Math.min.apply(null, s.group_support));
      li.appendChild(small);
    });
    list("divisive", f.divisive, function (li, s) {
      li.textContent = "“" + s.text + "” ";
      const small = document.createElement("span"); small.className = "small";
      small.textContent = s.agree + " agree · " + s.disagree + " disagree · " + s.pass + " pass";
      li.appendChild(small);
    });
    const c = f.consensus;
    list("consensus", c.order || [], function (li, item) {
      li.textContent = item.name;
      if ((c.top || []).indexOf(item.id) >= 0) li.style.fontWeight = "700";
    });
    $("certainty").textContent = c.rankers ? c.rankers + " rankings · " + c.sentence +
      (c.kendall_w !== null && c.kendall_w !== undefined ? " Kendall's W " + c.kendall_w.toFixed(2) + "." : "") : c.sentence;
  }

  setInterval(function () {  // the countdown runs locally from the end time the server sent
    const timer = $("timer");
    if (!ends) { timer.textContent = ""; return; }
    const s = Math.max(0, Math.round((ends - Date.now()) / 1000));
    timer.textContent = "· time left " + Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }, 1000);

  const source = new EventSource("/api/v1/workshops/" + code + "/events");
  source.addEventListener("figures", function (event) {
    render(JSON.parse(event.data));
    $("live-status").textContent = "Live · updated " + new Date().toLocaleTimeString();
  });
  source.addEventListener("error", function () { $("live-status").textContent = "Reconnecting…"; });
})();
