// v6-dashboard: the little plain JavaScript the pages use. Served from the binary (no inline
// script: the Content-Security-Policy forbids it). Every page works without it.
"use strict";

// Confirmation for forms that ask for one (forced runs): adds confirmed=1 when the user agrees.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (!question) return;
  if (!window.confirm(question)) { event.preventDefault(); return; }
  const field = document.createElement("input");
  field.type = "hidden"; field.name = "confirmed"; field.value = "1";
  form.appendChild(field);
});

// Live output of a run started here: server-sent events appended as text (never as markup).
function followRun(pre) {
  const source = new EventSource(pre.getAttribute("data-events"));
  const seen = pre.textContent.length > 0;
  pre.textContent = "";  // the stream starts with everything so far
  const add = (text, cls) => {
    const span = document.createElement("span");
    if (cls) span.className = cls;
    span.textContent = text + "\n";
    pre.appendChild(span);
    pre.scrollTop = pre.scrollHeight;
  };
  source.addEventListener("output", (e) => { const d = JSON.parse(e.data); add(d.text, d.stream === "stderr" ? "stderr" : ""); });
  source.addEventListener("started", (e) => add(JSON.parse(e.data).text, "note"));
  source.addEventListener("note", (e) => add(JSON.parse(e.data).text, "note"));
  source.addEventListener("final", (e) => {
    const d = JSON.parse(e.data);
    const outcome = document.getElementById("outcome");
    outcome.textContent = "";
    const badge = document.createElement("span");
    badge.className = "badge " + d.outcome; badge.textContent = d.outcome;
    outcome.appendChild(document.createTextNode("Final outcome: "));
    outcome.appendChild(badge);
    outcome.appendChild(document.createTextNode(" " + d.text + " "));
    if (d.run_id) {
      const link = document.createElement("a");
      link.href = "/runs/" + encodeURIComponent(d.run_id); link.textContent = "run " + d.run_id;
      outcome.appendChild(link);
    }
    outcome.className = "done";
    outcome.setAttribute("data-outcome", d.outcome);
    source.close();
  });
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) add("(stream closed)", "note"); };
  return seen;
}

// Live tail of the logs page: new lines prepended to the table.
function tailLogs(table) {
  const body = table.querySelector("tbody");
  const source = new EventSource(table.getAttribute("data-events"));
  source.addEventListener("line", (e) => {
    const d = JSON.parse(e.data);
    const row = document.createElement("tr");
    row.className = "level-" + d.level;
    for (const value of [d.time, d.level, d.task || "", d.text]) {
      const cell = document.createElement("td"); cell.textContent = value; row.appendChild(cell);
    }
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > 1000) body.deleteRow(body.rows.length - 1);
  });
}

// Running tasks' elapsed time, ticking.
function tick() {
  const now = Date.now() / 1000;
  for (const el of document.querySelectorAll(".elapsed[data-since]")) {
    const s = Math.max(0, Math.floor(now - Number(el.getAttribute("data-since"))));
    el.textContent = s < 60 ? s + "s" : s < 3600 ? Math.floor(s / 60) + "m " + (s % 60) + "s" : Math.floor(s / 3600) + "h " + Math.floor(s % 3600 / 60) + "m";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const pre = document.getElementById("live-output");
  if (pre && pre.getAttribute("data-events")) followRun(pre);
  const log = document.getElementById("log-table");
  if (log && log.getAttribute("data-events")) tailLogs(log);
  if (document.querySelector(".elapsed[data-since]")) setInterval(tick, 1000);
});
