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

test('an episode of refusals lasts until the bucket is full again', (t) => {
  const bucket = new TokenBucket(10, 2, 0);
  bucket.take(0);
  bucket.take(0);
  bucket.take(0);
  bucket.take(0);
  t.is(bucket.refusedInEpisode, 2);
  // One token back is not forgiveness: refusals keep counting.
  t.true(bucket.take(100));
  t.false(bucket.take(100));
  t.is(bucket.refusedInEpisode, 3);
  // A full bucket ends the episode.
  t.true(bucket.take(1000));
  t.is(bucket.refusedInEpisode, 0);
});
