// Switchboard's service worker: the app shell opens with no network. The API is never cached
// here: the app keeps its data in IndexedDB and the Worker decides every change.
const SHELL = "switchboard-shell-v1";

// On install, keep the page and every file it names (the hashed script, WASM and styles), and
// every WASM file of the screens.
self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const page = await fetch("/", { cache: "no-store" });
      const html = await page.clone().text();
      const files = [...html.matchAll(/["'](\/[^"'\s]+\.(?:js|wasm|css|png|webmanifest))["']/g)]
        .map((match) => match[1])
        .filter((path) => path !== "/sw.js" && !path.startsWith("/api/"));
      await cache.put("/", page);
      await cache.addAll([...new Set(files)]);
      // The split loader names each screen's WASM file and the chunks they share: all of them
      // are kept now, so that every screen opens offline, even one never opened before. One
      // that cannot be fetched now (tried twice) does not stop the install: it is kept when a
      // screen first asks for it.
      const screens = [];
      for (const loader of files.filter((path) => path.endsWith("-split.js"))) {
        const text = await (await cache.match(loader)).text();
        for (const match of text.matchAll(/new URL\("\.\/([\w.-]+\.wasm)"/g)) {
          screens.push(new URL(match[1], new URL(loader, self.location.origin)).pathname);
        }
      }
      await Promise.allSettled(
        [...new Set(screens)].map((path) => cache.add(path).catch(() => cache.add(path))),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key !== SHELL) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

// A page the worker did not take when it activated asks to be taken (register-sw.js).
self.addEventListener("message", (event) => {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (request.mode === "navigate") {
    // The network first, so a new build is picked up at once; the kept page when offline.
    event.respondWith(
      (async () => {
        try {
          const fresh = await fetch(request);
          if (fresh.ok) await (await caches.open(SHELL)).put("/", fresh.clone());
          return fresh;
        } catch {
          return (await caches.match("/")) ?? Response.error();
        }
      })(),
    );
    return;
  }
  // Files with a hash in their name never change: kept ones first, new ones kept as they come.
  event.respondWith(
    (async () => {
      const kept = await caches.match(request);
      if (kept) return kept;
      const fresh = await fetch(request);
      if (fresh.ok) await (await caches.open(SHELL)).put(request, fresh.clone());
      return fresh;
    })(),
  );
});
