// The nginx rows' handler: about 1 ms of CPU work per request (a busy-wait, so the figure does not depend on what the
// work is), served by `hive run -i 2` for every subject of those rows.
import http from 'node:http';

const body = JSON.stringify({ worked: '1ms' });
http
  .createServer((_req, res) => {
    const end = performance.now() + 1;
    while (performance.now() < end) {}
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
