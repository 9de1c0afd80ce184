// The set-up page: tapping a building on the map ticks or unticks it in the list below (the page allows no inline
// scripts, so it is wired here). Without JavaScript the list's checkboxes still work.
(() => {
  const form = document.getElementById("assign-form");
  if (!form) return;
  const box = (id) => document.getElementById(id);
  const paint = (id, on) => {
    document.querySelectorAll(`.setup-map .${id}`).forEach((el) => el.classList.toggle("picked", on));
  };
  document.querySelectorAll(".setup-map .pick").forEach((el) => {
    const id = Array.from(el.classList).find((c) => /^b\d+$/.test(c));
    if (!id) return;
    el.addEventListener("click", () => {
      const checkbox = box(id);
      if (!checkbox) return;
      checkbox.checked = !checkbox.checked;
      paint(id, checkbox.checked);
    });
  });
  form.querySelectorAll("input[name=buildings]").forEach((checkbox) => {
    checkbox.addEventListener("change", () => paint(checkbox.id, checkbox.checked));
  });
  const all = box("check-all");
  if (all) {
    all.addEventListener("change", () => {
      form.querySelectorAll("input[name=buildings]").forEach((checkbox) => {
        checkbox.checked = all.checked;
        paint(checkbox.id, all.checked);
      });
    });
  }
})();
