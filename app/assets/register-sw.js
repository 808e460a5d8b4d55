// The service worker keeps the app shell, so the console opens with no network. A file of its
// own rather than an inline script: the Content-Security-Policy allows no inline script but
// the WASM loader, by its hash.
if ("serviceWorker" in navigator) {
  addEventListener("load", () => navigator.serviceWorker.register("/sw.js"));
}
