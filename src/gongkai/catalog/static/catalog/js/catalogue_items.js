// The catalogue-item picker of the record form (gongkai.catalog.chooser.CatalogueItemsWidget):
// opens Wagtail's chooser modal (search, pages, checkboxes: keyboard operable) for the record's
// body and keeps the chosen items as hidden inputs, each with a remove button.
(() => {
  const removeLabel = (label) => `移除“${label}”`;

  function bodyOf(widget) {
    if (widget.dataset.body) return widget.dataset.body;
    const select = widget.closest("form")?.querySelector("select[name='body']");
    return select ? select.value : "";
  }

  function addItem(widget, id, label) {
    const list = widget.querySelector("[data-gk-catalogue-items-list]");
    if (list.querySelector(`li[data-id="${CSS.escape(String(id))}"]`)) return;
    const li = document.createElement("li");
    li.dataset.id = id;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = widget.dataset.name;
    input.value = id;
    const text = document.createElement("span");
    text.textContent = label;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button-small button-secondary";
    remove.dataset.gkCatalogueItemsRemove = "";
    remove.setAttribute("aria-label", removeLabel(label));
    remove.textContent = "移除";
    li.append(input, " ", text, " ", remove);
    list.append(li);
  }

  function refresh(widget) {
    const empty = widget.querySelector("[data-gk-catalogue-items-empty]");
    empty.hidden = widget.querySelectorAll("[data-gk-catalogue-items-list] li").length > 0;
  }

  function open(widget) {
    const body = bodyOf(widget);
    const hint = widget.querySelector("[data-gk-catalogue-items-nobody]");
    hint.hidden = Boolean(body);
    if (!body) return;
    const handlers = new window.ChooserModalOnloadHandlerFactory().getOnLoadHandlers();
    window.ModalWorkflow({
      url: widget.dataset.chooserUrl,
      urlParams: { multiple: 1, body },
      onload: handlers,
      responses: {
        chosen: (results) => {
          (Array.isArray(results) ? results : [results]).forEach((r) => addItem(widget, r.id, r.title));
          refresh(widget);
          widget.querySelector("[data-gk-catalogue-items-add]").focus();
        },
      },
    });
  }

  function init(widget) {
    if (widget.dataset.gkReady || widget.hasAttribute("data-disabled")) return;
    widget.dataset.gkReady = "1";
    widget.querySelector("[data-gk-catalogue-items-add]").addEventListener("click", () => open(widget));
    widget.addEventListener("click", (event) => {
      const button = event.target.closest("[data-gk-catalogue-items-remove]");
      if (!button) return;
      button.closest("li").remove();
      refresh(widget);
      widget.querySelector("[data-gk-catalogue-items-add]").focus();
    });
    // Items belong to one body's catalogue: changing the body (create screen) clears them.
    const select = widget.closest("form")?.querySelector("select[name='body']");
    if (select && !widget.dataset.body) {
      select.addEventListener("change", () => {
        widget.querySelectorAll("[data-gk-catalogue-items-list] li").forEach((li) => li.remove());
        refresh(widget);
      });
    }
  }

  const start = () => document.querySelectorAll("[data-gk-catalogue-items]").forEach(init);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
