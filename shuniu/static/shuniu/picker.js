// A searchable checkbox list (core.forms.Picker): type to narrow the list; the chosen are summed up below.
// Without JavaScript the list stays a plain, scrollable list of checkboxes.
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll("[data-picker]")) {
    const filter = picker.querySelector("[data-picker-filter]");
    const items = [...picker.querySelectorAll("[data-picker-item]")];
    const summary = picker.querySelector("[data-picker-summary]");
    const groups = [...picker.querySelectorAll(".picker-group")];
    const sum = () => {
      const chosen = items.filter((i) => i.querySelector("input").checked).map((i) => i.textContent.trim());
      summary.textContent = chosen.length ? `已选 ${chosen.length} 个：${chosen.join("、")}` : "未选择";
    };
    filter.hidden = false;
    filter.addEventListener("input", () => {
      const words = filter.value.trim();
      for (const item of items) {
        item.hidden = words !== "" && !item.textContent.includes(words) && !item.querySelector("input").checked;
      }
      for (const group of groups) {
        group.hidden = group.querySelectorAll("[data-picker-item]:not([hidden])").length === 0;
      }
      picker.querySelector("[data-picker-none]").hidden = items.some((item) => !item.hidden);
    });
    filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault(); // Enter narrows the list; it does not send the form
    });
    picker.addEventListener("change", sum);
    sum();
  }
});
