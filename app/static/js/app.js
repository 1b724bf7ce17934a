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
