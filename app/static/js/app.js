// The menu is a <details> so it works without JavaScript on phones; on wide screens we
// open it so the navigation shows as a bar.
(function () {
  var wide = window.matchMedia("(min-width: 720px)");
  function sync() {
    document.querySelectorAll("details.menu").forEach(function (menu) { menu.open = wide.matches; });
  }
  sync();
  wide.addEventListener("change", sync);
})();

// Topic checkboxes follow the chosen programme: other programmes' topics are hidden and
// unticked. Without JavaScript every topic shows, labelled with its programme.
(function () {
  document.querySelectorAll("[data-follows]").forEach(function (list) {
    var select = document.getElementById(list.getAttribute("data-follows"));
    if (!select) { return; }
    function sync() {
      list.querySelectorAll("[data-programme]").forEach(function (item) {
        var match = item.getAttribute("data-programme") === select.value;
        item.hidden = !match;
        if (!match) { item.querySelectorAll("input").forEach(function (input) { input.checked = false; }); }
      });
    }
    select.addEventListener("change", sync);
    sync();
  });
})();

// Follow-up questions: shown when the earlier answers they depend on allow it. Hiding never
// clears what was typed; the server keeps hidden answers and leaves them out of the score.
(function () {
  var form = document.getElementById("area-form");
  if (!form) { return; }
  function valueOf(field) {
    var checked = form.querySelector("input[name='" + field + "']:checked");
    if (checked) { return checked.value; }
    var input = form.querySelector("input[type=text][name='" + field + "']");
    return input ? input.value : null;
  }
  function holds(test) {
    var value = valueOf(test.field);
    if (test["in"]) { return value !== null && test["in"].indexOf(value) !== -1; }
    var number = parseFloat(String(value).replace(",", "."));
    if (isNaN(number)) { return false; }
    if (test.gte !== null && test.gte !== undefined) { return number >= test.gte; }
    return number > test.gt;
  }
  function sync() {
    form.querySelectorAll("[data-asked-when]").forEach(function (section) {
      var tests = JSON.parse(section.getAttribute("data-asked-when"));
      section.hidden = !tests.every(holds);
    });
  }
  form.addEventListener("change", sync);
  form.addEventListener("input", sync);
  sync();
})();

// A PDF download can take seconds the first time (it is rendered then): say so while it comes.
(function () {
  document.querySelectorAll("a[data-preparing]").forEach(function (link) {
    link.addEventListener("click", function () {
      var status = document.getElementById(link.getAttribute("data-preparing"));
      if (status) { status.hidden = false; }
      window.setTimeout(function () { if (status) { status.hidden = true; } }, 20000);
    });
  });
})();
