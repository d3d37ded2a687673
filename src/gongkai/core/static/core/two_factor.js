// Recovery codes page: the print button (hidden without JavaScript; the browser's own print works).
document.querySelectorAll("[data-gongkai-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
