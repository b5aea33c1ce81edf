import test from 'ava';
import { TokenBucket } from '../../impl/chat/token-bucket.ts';

test('a full bucket lets a burst through, then refuses', (t) => {
  const bucket = new TokenBucket(10, 3, 0);
  t.deepEqual(
    [0, 0, 0, 0].map(() => bucket.take(0)),
    [true, true, true, false],
  );
  t.is(bucket.refusedInEpisode, 1);
});

test('tokens come back at the rate', (t) => {
  const bucket = new TokenBucket(10, 3, 0);
  for (let i = 0; i < 3; i++) bucket.take(0);
  t.false(bucket.take(50));
  t.true(bucket.take(100));
  t.false(bucket.take(100));
});

test('refusals add up while they keep coming, and are forgiven after two refill periods', (t) => {
  // 10 lines/s, burst 2: a refill period is 200 ms, forgiveness comes after 400 ms.
  const bucket = new TokenBucket(10, 2, 0);
  bucket.take(0);
  bucket.take(0);
  t.false(bucket.take(0));
  t.false(bucket.take(0));
  t.is(bucket.refusedInEpisode, 2);
  // A flooder slowed down to one chunk per refill period still adds to the count.
  t.is(bucket.msUntilFull(0), 200);
  t.true(bucket.take(200));
  t.true(bucket.take(200));
  t.false(bucket.take(200));
  t.is(bucket.refusedInEpisode, 3);
  // Quiet for more than 400 ms after the last refusal: a new episode.
  bucket.take(700);
  bucket.take(700);
  t.false(bucket.take(700));
  t.is(bucket.refusedInEpisode, 1);
});
