// The participant's page: keyboard answers (A / D / P), one submission per click, the live
// consistency ratio of the AHP sliders, and a reload when the facilitator changes the phase
// (server-sent events: one open connection, no polling).
"use strict";
(function () {
  const main = document.getElementById("main");
  if (!main) return;
  const code = main.dataset.code;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  // one submission per form: a double click sends once (the server also stores it once)
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      setTimeout(function () { form.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); }, 0);
    });
  });

  // A / D / P answer the statement shown, unless the person is typing
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT")) return;
    const button = document.querySelector('.reactions button[data-key="' + event.key.toLowerCase() + '"]');
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });

  // the sliders: what each says, and the consistency of them all
  function said(input) {
    const step = Number(input.value);
    const a = input.dataset.a.replace(/_/g, " "), b = input.dataset.b.replace(/_/g, " ");
    if (step === 0) return "equal";
    return step > 0 ? a + " " + (step + 1) + "× more" : b + " " + (1 - step) + "× more";
  }
  function value(step) { return step >= 0 ? step + 1 : 1 / (1 - step); }
  const sliders = Array.from(document.querySelectorAll('.ahp input[type="range"]'));
  const verdict = document.getElementById("consistency");
  let pending = null;
  function check() {
    const comparisons = sliders.map(function (s) { return [s.dataset.a, s.dataset.b, value(Number(s.value))]; });
    fetch("/api/v1/workshops/" + code + "/ahp", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({comparisons: comparisons}),
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (!body.ahp) { verdict.textContent = body.error ? body.error.message : ""; return; }
      const ratio = body.ahp.consistency_ratio;
      verdict.textContent = "Consistency ratio " + ratio.toFixed(2) + (ratio > 0.1 ? " (above 0.1). " + body.warning : " — your judgements fit together.");
      verdict.className = "consistency " + (ratio > 0.1 ? "bad" : "good");
    });
  }
  sliders.forEach(function (input) {
    const output = input.parentElement.querySelector("output");
    function update() { output.textContent = said(input); input.setAttribute("aria-valuetext", said(input)); }
    update();
    input.addEventListener("input", function () { update(); clearTimeout(pending); pending = setTimeout(check, 150); });
  });
  if (sliders.length && sliders.some(function (s) { return s.value !== "0"; })) check();

  // the timer counts down on the page; the end time comes from the server
  const timer = document.querySelector(".timer[data-ends]");
  if (timer) {
    const ends = Date.parse(timer.dataset.ends), left = timer.querySelector(".left");
    setInterval(function () {
      const s = Math.max(0, Math.round((ends - Date.now()) / 1000));
      left.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }, 1000);
  }

  // live: reload when the facilitator changes the phase, the lock or the results' visibility,
  // or when new statements arrive for someone who has answered them all
  const source = new EventSource("/api/v1/workshops/" + code + "/events");
  source.addEventListener("figures", function (event) {
    const figures = JSON.parse(event.data), w = figures.workshop;
    const changed = w.phase !== main.dataset.phase || String(w.locked) !== main.dataset.locked ||
      String(w.results_visible) !== main.dataset.results;
    const waiting = !document.querySelector(".reactions") && (w.phase === "react" || w.phase === "brainstorm") &&
      figures.statements.accepted > Number(main.dataset.total);
    if (!changed && !waiting) return;
    const text = document.getElementById("statement-text");
    if (text && text.value.trim()) {  // never throw away what someone is typing
      const note = document.getElementById("live-note");
      note.hidden = false;
      note.textContent = "The facilitator moved on (" + w.phase + "). Send or clear your text to follow.";
      return;
    }
    source.close();
    window.location.reload();
  });
})();
