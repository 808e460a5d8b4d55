// A stand-in for the platform's webhook endpoint, for the HTTP tests: it verifies each
// message's signature with `standardwebhooks` (the specification's own library, independent
// of the Worker's code), records what came, and can be told to fail.
//
//   node tests/webhooks/receiver.mjs <port>
//
// POST /hook                  a delivery: 204 when verified (or a configured failure), 401 when not
// PUT  /control               {"secret": "whsec_…", "fail": n}: verify with this secret; fail the next n
// GET  /control/received      every delivery so far: {id, type, verified, answered, body}
// POST /control/quit          stops

import http from "node:http";
import { Webhook } from "standardwebhooks";

const port = Number(process.argv[2]);
let secret = null;
let fail = 0;
const received = [];

function read(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const server = http.createServer(async (req, res) => {
  const body = await read(req);
  const answer = (status, json) => {
    res.writeHead(status, json === undefined ? {} : { "content-type": "application/json" });
    res.end(json === undefined ? undefined : JSON.stringify(json));
  };
  if (req.method === "PUT" && req.url === "/control") {
    const settings = JSON.parse(body);
    if ("secret" in settings) secret = settings.secret;
    if ("fail" in settings) fail = settings.fail;
    return answer(204);
  }
  if (req.method === "GET" && req.url === "/control/received") return answer(200, received);
  if (req.method === "POST" && req.url === "/control/quit") {
    answer(204);
    return server.close(() => process.exit(0));
  }
  if (req.method === "POST" && req.url === "/hook") {
    let verified = false;
    let type = null;
    try {
      const payload = new Webhook(secret).verify(body, {
        "webhook-id": req.headers["webhook-id"],
        "webhook-timestamp": req.headers["webhook-timestamp"],
        "webhook-signature": req.headers["webhook-signature"],
      });
      verified = true;
      type = payload.type;
    } catch {
      verified = false;
    }
    let status = verified ? 204 : 401;
    if (verified && fail > 0) {
      fail -= 1;
      status = 500;
    }
    received.push({ id: req.headers["webhook-id"], type, verified, answered: status, body });
    return answer(status);
  }
  answer(404);
});

server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${port}\n`);
});
