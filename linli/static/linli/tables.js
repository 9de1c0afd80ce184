// In elder mode on a narrow screen, tables show each row as a card (see linli.css); this labels every cell with
// its column's heading so that a card still says what each value is. Without JavaScript the table scrolls.
document.querySelectorAll("table.table").forEach((table) => {
  const headings = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
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

// A "Print" button (data-print): the page allows no inline handlers (Content-Security-Policy), so it is wired here.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
