// Notices that arrive after first paint (alerts set-up, install, update ready) go at the end of
// the page, each below those already shown, in the order they arrive: nothing on screen ever
// moves to make room for one.
export function showNotice(element) {
  if (!element.hidden) return;
  document.getElementById("notices")?.append(element); // last: below the ones already shown
  element.hidden = false;
}
