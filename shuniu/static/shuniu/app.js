// Small behaviours of our pages, kept out of the markup (the Content-Security-Policy allows no inline script).
document.addEventListener("submit", (event) => {
  // <form data-confirm="…">: ask before sending (e.g. deleting a meeting of several leaders).
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // <form data-once>: a second click does not send it again (what it answers is shown once, e.g. a new token).
  if (event.target.dataset && "once" in event.target.dataset) {
    if (event.target.dataset.sent) event.preventDefault();
    event.target.dataset.sent = "1";
  }
});
document.addEventListener("click", (event) => {
  // <input data-select-on-click>: one click selects the whole text, ready to copy.
  if (event.target.matches && event.target.matches("[data-select-on-click]")) event.target.select();
});
