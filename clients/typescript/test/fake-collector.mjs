// A stand-in for the collector's POST /v1/events (collector/README.md): NDJSON in, per-event results out.
import { createServer } from "node:http";

export async function fakeCollector(plan = () => 200) {
  const received = [];
  let requests = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests++;
      const events = body.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
      const answer = plan(requests, events);
      const status = typeof answer === "number" ? answer : answer.status;
      const headers = { "Content-Type": "application/json", ...(answer.retryAfter ? { "Retry-After": String(answer.retryAfter) } : {}) };
      if (status === 200) {
        events.forEach((e) => received.push(e));
        res.writeHead(200, headers).end(JSON.stringify({ accepted: events.length, rejected: 0,
          results: events.map((e, index) => ({ index, status: "accepted", eventId: e.eventId })) }));
      } else {
        res.writeHead(status, headers).end(JSON.stringify({ error: "not now" }));
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    requests: () => requests,
    close: () => new Promise((r) => server.close(r)),
  };
}
