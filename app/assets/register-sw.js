// The service worker keeps the app shell, so the console opens with no network. A file of its
// own rather than an inline script: the Content-Security-Policy allows no inline script but
// the WASM loader, by its hash.
if ("serviceWorker" in navigator) {
  addEventListener("load", async () => {
    await navigator.serviceWorker.register("/sw.js");
    // A page whose loading began before the worker first took over (one opened while it was
    // still installing) is not among those it took: it asks, so that its screens' files come
    // from the worker too, and open offline without a reload.
    const ready = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) ready.active?.postMessage("claim");
  });
}
