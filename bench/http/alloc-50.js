// A heavier hello world for bench/http-flags.js (`--app alloc`): each request builds a fresh 50-item object and
// JSON.stringifies it (about 4 KB of body), so that young-generation garbage per request is several times hello.js's.
import http from 'node:http';

let seq = 0;
http
  .createServer((req, res) => {
    const items = [];
    for (let i = 0; i < 50; i++) {
      items.push({ id: seq + i, name: `item-${i}`, price: i * 1.25, tags: ['a', 'b'], inStock: (i & 1) === 0 });
    }
    seq++;
    const body = JSON.stringify({ url: req.url, count: items.length, items });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
