// In elder mode on a narrow screen, tables show each row as a card (see linli.css); this labels every cell with
// its column's heading so that a card still says what each value is. Without JavaScript the table scrolls.
document.querySelectorAll("table.table").forEach((table) => {
  // a heading only for screen readers (an actions column's) labels no card line
  const heading = (th) => (th.querySelector(".visually-hidden")?.textContent.trim() === th.textContent.trim() ? "" : th.textContent.trim());
  const headings = Array.from(table.querySelectorAll("thead th")).map(heading);
  if (headings.length < 2) return;
  table.querySelectorAll("tbody tr").forEach((row) => {
    let column = 0;
    Array.from(row.children).forEach((cell) => {
      if (cell.colSpan === 1 && headings[column] && !cell.hasAttribute("data-label")) {
        cell.setAttribute("data-label", headings[column]);
      }
      column += cell.colSpan;
    });
  });
  table.classList.add("labelled");
});

// A table wider than a phone's screen scrolls sideways within itself: one with no link or button inside must be
// focusable, or a keyboard cannot scroll it (WCAG 2.1.1).
const focusable = "a[href], button, input, select, textarea, [tabindex]";
const markScrollable = () => {
  document.querySelectorAll("table.table").forEach((table) => {
    if (table.scrollWidth > table.clientWidth + 1 && !table.querySelector(focusable)) {
      table.setAttribute("tabindex", "0");
    } else if (table.getAttribute("tabindex") === "0" && table.scrollWidth <= table.clientWidth + 1) {
      table.removeAttribute("tabindex");
    }
  });
};
markScrollable();
window.addEventListener("resize", markScrollable);

// A "Print" button (data-print): the page allows no inline handlers (Content-Security-Policy), so it is wired here.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});

// A file field (file_pick.html) shows the names of the files chosen beside its button.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  const names = input.closest(".file-pick")?.querySelector("[data-file-names]");
  if (names) names.textContent = Array.from(input.files || []).map((f) => f.name).join("、");
});
