/* The main menu on narrow screens: under 600 px it folds behind a "栏目导航" button, so that a
   phone's first screen shows the page, not ten menu items. Without script the menu stays open;
   with it, the button says whether the menu is open (aria-expanded). */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-site-nav]"), function (nav) {
      var button = nav.querySelector(".nav-toggle");
      if (!button) {
        return;
      }
      document.documentElement.classList.add("nav-collapsible");
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = !nav.classList.contains("is-open");
        nav.classList.toggle("is-open", open);
        button.setAttribute("aria-expanded", String(open));
      });
    });
  });
})();
