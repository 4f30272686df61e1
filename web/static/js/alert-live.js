// The live alert page: the undo countdown between htmx refreshes (which bring the counts).
let timer = null;

function countdown() {
  clearInterval(timer);
  const live = document.getElementById("alert-live");
  const text = document.getElementById("undo-text");
  if (!live || !text) return;
  const ends = Date.now() + Number(live.dataset.undoLeft) * 1000;
  timer = setInterval(() => {
    const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
    text.textContent = text.dataset.template.replace("%(n)s", left);
    if (!left) {
      clearInterval(timer);
      document.getElementById("undo-form").hidden = true;
    }
  }, 250);
}

document.body.addEventListener("htmx:afterSwap", countdown);
countdown();
