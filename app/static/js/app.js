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
      list.querySelectorAll("li[data-programme]").forEach(function (item) {
        var match = item.getAttribute("data-programme") === select.value;
        item.hidden = !match;
        if (!match) { item.querySelector("input").checked = false; }
      });
    }
    select.addEventListener("change", sync);
    sync();
  });
})();
