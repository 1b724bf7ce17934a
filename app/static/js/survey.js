// The workers' survey: send each answer as it is given. An answer that cannot be sent (no
// connection) waits in the phone (localStorage) and is sent when the connection is back, on
// the next answer, or the next time the page opens. One request at a time, so the first answer
// of a new browser begins exactly one response.
(function () {
  "use strict";
  var thanks = document.querySelector("[data-clear]");
  if (thanks) { try { localStorage.removeItem(thanks.dataset.clear); } catch (e) { /* nothing kept */ } }
  var form = document.getElementById("survey");
  if (!form || !window.fetch) { return; }
  var store = "ffw-survey-" + form.dataset.slug;
  var token = form.querySelector("input[name=csrf_token]").value;
  var sending = false;

  function pending() {
    try { return JSON.parse(localStorage.getItem(store) || "{}"); } catch (e) { return {}; }
  }
  function keep(all) {
    try { localStorage.setItem(store, JSON.stringify(all)); } catch (e) { /* private mode: memory only */ }
  }
  function say(key, text, kind) {
    var box = document.querySelector("#q-" + key + " .state");
    if (box) { box.textContent = text; box.className = "state " + (kind || ""); }
  }
  function flush() {
    var all = pending();
    var keys = Object.keys(all);
    if (sending || !keys.length) { return; }
    var key = keys[0];
    var body = new URLSearchParams();
    body.append("csrf_token", token);
    body.append(key, all[key]);
    sending = true;
    fetch(form.dataset.save, { method: "POST", body: body, credentials: "same-origin",
                               headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        var now = pending();
        if (now[key] === all[key]) { delete now[key]; keep(now); }
        if (result.ok) { say(key, "✓ " + form.dataset.saved); } else { say(key, form.dataset.failed + " " + result.data.message, "failed"); }
        sending = false;
        flush();
      })
      .catch(function () {
        sending = false;
        say(key, form.dataset.waiting, "waiting");
      });
  }
  // Answers given while offline before the page was closed: show them ticked, then send them.
  var waiting = pending();
  Object.keys(waiting).forEach(function (key) {
    var input = form.querySelector("input[name='" + key + "'][value='" + waiting[key] + "']");
    if (input) { input.checked = true; say(key, form.dataset.waiting, "waiting"); }
  });
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio") { return; }
    var all = pending();
    all[input.name] = input.value;
    keep(all);
    say(input.name, "…");
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 4000);
  flush();
}());
