import { describe, expect, it } from 'vitest';
import { overdueSchedules, previousFire } from '../../pipelines/scheduler/overdue.js';

describe('overdue schedules', () => {
  const now = new Date('2026-12-06T17:30:00Z');
  it('finds the last time a cron expression fired', () => {
    expect(previousFire('0 2 * * *', now)?.toISOString()).toBe('2026-12-06T02:00:00.000Z');
    expect(previousFire('*/15 * * * *', now)?.toISOString()).toBe('2026-12-06T17:30:00.000Z');
    expect(previousFire('0 9 * * mon', now)?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(previousFire('0 0 30 1-6/2 *', now, 'UTC', 400)?.toISOString()).toBe('2026-05-30T00:00:00.000Z');
    // 02:00 in Moscow is 23:00 UTC the day before.
    expect(previousFire('0 2 * * *', now, 'Europe/Moscow')?.toISOString()).toBe('2026-12-05T23:00:00.000Z');
    expect(previousFire('0 0 1 1 *', now)).toBeNull(); // not within the 35 days looked back
    expect(previousFire('not cron', now)).toBeNull();
  });
  it('is overdue when no success started since the last fire', () => {
    const schedules = [
      { pipeline: 'a', schedule: '0 2 * * *' },
      { pipeline: 'b', schedule: '0 2 * * *' },
      { pipeline: 'c', schedule: '0 2 * * *' },
    ];
    const last = new Map([
      ['a', '2026-12-06T02:00:05.000Z'],
      ['b', '2026-12-05T02:00:05.000Z'],
    ]);
    expect(overdueSchedules(schedules, last, now).map((o) => [o.pipeline, o.last_success_at])).toEqual([
      ['b', '2026-12-05T02:00:05.000Z'],
      ['c', null],
    ]);
  });
});
