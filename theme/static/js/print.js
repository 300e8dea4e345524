// Progressive enhancement: a "Print this poster" button that opens the
// browser's print dialog. Without JavaScript the page says how to print.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
