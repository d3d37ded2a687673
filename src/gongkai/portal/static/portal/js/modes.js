/* Reading modes: 无障碍 (accessible) and 长者模式 (elder). Each sets a class on <html> and is
   remembered in localStorage. Loaded in <head> without defer, so a saved mode applies before the
   first paint; the buttons are wired (and shown) once the document has been parsed. */
(function () {
  "use strict";

  var MODES = { a11y: "mode-a11y", elder: "mode-elder" };
  var KEY = "gongkai.reading-modes";
  var root = document.documentElement;

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY));
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      return {};
    }
  }

  function save(state) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (error) {
      /* Storage disabled (private browsing): the mode still applies to this page. */
    }
  }

  var state = load();
  Object.keys(MODES).forEach(function (mode) {
    root.classList.toggle(MODES[mode], state[mode] === true);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-mode-toggle]");
    Array.prototype.forEach.call(buttons, function (button) {
      var mode = button.getAttribute("data-mode-toggle");
      if (!MODES[mode]) {
        return;
      }
      button.setAttribute("aria-pressed", String(root.classList.contains(MODES[mode])));
      button.addEventListener("click", function () {
        var on = !root.classList.contains(MODES[mode]);
        root.classList.toggle(MODES[mode], on);
        button.setAttribute("aria-pressed", String(on));
        state[mode] = on;
        save(state);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-mode-toggles]"), function (group) {
      group.hidden = false;
    });
  });
})();
