import { describe, expect, it } from 'vitest';
import { DbsError } from '../../src/dbs/errors.js';
import { createRequestLimiter } from '../../src/dbs/limiter.js';

const cancelled = () => new DbsError('Cancelled', 'cancelled');

describe('createRequestLimiter', () => {
  it('lets maxActive through, queues the rest in order, and refuses past maxWaiting as Busy', async () => {
    const limiter = createRequestLimiter(2, 2);
    const order: number[] = [];
    const first = await limiter.acquire(undefined, cancelled);
    const second = await limiter.acquire(undefined, cancelled);
    const third = limiter.acquire(undefined, cancelled).then((release) => (order.push(3), release));
    const fourth = limiter.acquire(undefined, cancelled).then((release) => (order.push(4), release));
    expect(limiter.load()).toEqual({ active: 2, waiting: 2 });
    expect(limiter.full()).toBe(true);
    await expect(limiter.acquire(undefined, cancelled)).rejects.toMatchObject({
      code: 'Busy',
      message: '2 request(s) to the DBS endpoint running and 2 waiting, the most this server queues',
    });

    first();
    first(); // a second release of the same slot changes nothing
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual([3, 4]);
    expect(limiter.load()).toEqual({ active: 0, waiting: 0 });
  });

  it('takes a cancelled waiter out of the line', async () => {
    const limiter = createRequestLimiter(1, 5);
    const held = await limiter.acquire(undefined, cancelled);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal, cancelled);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'Cancelled' });
    expect(limiter.load()).toEqual({ active: 1, waiting: 0 });
    held();
    expect(limiter.load()).toEqual({ active: 0, waiting: 0 });
  });
});

describe('the background lane', () => {
  it('serves a waiting interactive request before background ones, and gives background at most its share', async () => {
    const limiter = createRequestLimiter(2, 100, { maxActive: 1, perSecond: 1_000 });
    const order: string[] = [];
    const firstBackground = await limiter.acquire(undefined, cancelled, 'background');
    const secondBackground = limiter.acquire(undefined, cancelled, 'background').then((release) => (order.push('background'), release));
    // The background lane is full at one slot: the other slot is still free for an interactive request.
    const interactive = await limiter.acquire(undefined, cancelled, 'interactive');
    const laterInteractive = limiter.acquire(undefined, cancelled, 'interactive').then((release) => (order.push('interactive'), release));
    // Past the background request's pacing, into the line.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(limiter.load()).toEqual({ active: 2, waiting: 2 });
    firstBackground();
    (await laterInteractive)();
    interactive();
    (await secondBackground)();
    expect(order).toEqual(['interactive', 'background']);
    expect(limiter.load()).toEqual({ active: 0, waiting: 0 });
  });

  it('starts background requests no faster than its rate, evenly spaced', async () => {
    const limiter = createRequestLimiter(16, 100, { maxActive: 8, perSecond: 20 });
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limiter.acquire(undefined, cancelled, 'background').then((release) => {
          times.push(performance.now() - started);
          release();
        }),
      ),
    );
    // 20 a second: one every 50 ms, the first at once.
    expect(times[0]).toBeLessThan(30);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(45);
    // An interactive request is not paced.
    const before = performance.now();
    (await limiter.acquire(undefined, cancelled))();
    expect(performance.now() - before).toBeLessThan(10);
  });

  it('lets a cancelled background request out of its pacing at once', async () => {
    const limiter = createRequestLimiter(4, 100, { maxActive: 2, perSecond: 1 });
    (await limiter.acquire(undefined, cancelled, 'background'))();
    const controller = new AbortController();
    const paced = limiter.acquire(controller.signal, cancelled, 'background');
    controller.abort();
    await expect(paced).rejects.toMatchObject({ code: 'Cancelled' });
  });
});
