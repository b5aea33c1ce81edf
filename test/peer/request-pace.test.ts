/**
 * The pace of a chunked download's getfile lines (impl/peer/request-pace.ts): under the
 * server's 20 lines/s, so none is dropped as RATE_LIMITED and left to a 64 s idle timeout.
 */
import test from 'ava';
import { REQUEST_BURST, REQUESTS_PER_SECOND, RequestPace } from '../../impl/peer/request-pace.ts';
import { Simulator } from '../../sim/index.ts';

test('a burst goes at once, then requests are spaced to the rate', async (t) => {
  const sim = new Simulator({ seed: 1 });
  const { clock } = sim.addHost('eko').platform;
  const pace = new RequestPace(clock);
  const times: number[] = [];
  const all = (async () => {
    for (let i = 0; i < REQUEST_BURST + 30; i++) {
      await pace.take();
      times.push(clock.now());
    }
  })();
  await sim.until(all);
  t.true(
    times.slice(0, REQUEST_BURST).every((at) => at === 0),
    'the burst is not delayed',
  );
  const last = times.at(-1)!;
  // 30 more at 15 a second take about 2 s; never faster than the server's 20 lines/s.
  t.true(Math.abs(last - (30 * 1000) / REQUESTS_PER_SECOND) < 100, `last at ${last} ms`);
  for (let i = REQUEST_BURST + 1; i < times.length; i++) {
    t.true(
      times[i] - times[i - 1] >= 1000 / 20,
      `request ${i} came ${times[i] - times[i - 1]} ms after`,
    );
  }
});
