// Notices that arrive after first paint (alerts set-up, install, update ready) go at the end of
// the page, each below those already shown, in the order they arrive: nothing on screen ever
// moves to make room for one.
//
// Content that a page's script draws after load (a checklist run read from the phone) is marked
// data-settling and gets data-ready once drawn; its height is not final before then, so a notice
// waits for it. Shown earlier, the install notice sat below the call script's hidden printed list,
// then jumped a whole screen up into view when the start screen replaced the list.
const pending = () => document.querySelector("[data-settling]:not([data-ready])");

function settled() {
  if (!pending()) return Promise.resolve();
  return new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (pending()) return;
      watch.disconnect();
      resolve();
    });
    watch.observe(document.body, { subtree: true, attributeFilter: ["data-ready"] });
  });
}

export async function showNotice(element) {
  if (!element.hidden) return;
  await settled();
  if (!element.hidden) return; // shown meanwhile by another caller
  document.getElementById("notices")?.append(element); // last: below the ones already shown
  element.hidden = false;
}
