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
