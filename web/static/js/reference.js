// A reference card, one idea a screen: Back and Next move between its cards. Nothing is saved;
// without this script the page shows every card, as a printed page does.
const page = document.getElementById("reference");
const cards = [...page.querySelectorAll("[data-card]")];
const progress = document.getElementById("card-progress");
const back = document.getElementById("card-back");
const next = document.getElementById("card-next");
const end = document.getElementById("ref-end");
let at = 0;

function show(index, focus) {
  at = Math.max(0, Math.min(index, cards.length - 1));
  cards.forEach((card, i) => { card.hidden = i !== at; });
  for (const section of page.querySelectorAll(".ref-section")) {
    section.hidden = !section.contains(cards[at]);
  }
  progress.textContent = page.dataset.msgCard
    .replace("%(n)s", String(at + 1)).replace("%(total)s", String(cards.length));
  back.disabled = at === 0;
  next.hidden = at === cards.length - 1;
  end.hidden = at !== cards.length - 1;
  if (!focus) return;
  cards[at].focus();
  // the card in the address, so a reload keeps the place
  history.replaceState(null, "", `#${cards[at].id}`);
}

const start = cards.findIndex((card) => `#${card.id}` === location.hash);
document.getElementById("step-nav").hidden = false;
back.addEventListener("click", () => show(at - 1, true));
next.addEventListener("click", () => show(at + 1, true));
show(start < 0 ? 0 : start, false);
