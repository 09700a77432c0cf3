import { UnavailableOfferings } from '../../src/pricing/unavailable-offerings.js';
import { FakeClock } from '../../src/util/clock.js';

describe('UnavailableOfferings', () => {
  it('marks an offering for three minutes by default, with its reason', async () => {
    const clock = new FakeClock();
    const u = new UnavailableOfferings(clock);
    u.mark('aws/us-east-1/us-east-1a/p5.48xlarge/spot', 'InsufficientInstanceCapacity');
    expect(u.isUnavailable('aws/us-east-1/us-east-1a/p5.48xlarge/spot')).toBe(true);
    expect(u.reason('aws/us-east-1/us-east-1a/p5.48xlarge/spot')).toBe('InsufficientInstanceCapacity');
    expect(u.isUnavailable('aws/us-east-1/us-east-1b/p5.48xlarge/spot')).toBe(false);

    await clock.advance(3 * 60 * 1000 - 1);
    expect(u.isUnavailable('aws/us-east-1/us-east-1a/p5.48xlarge/spot')).toBe(true);
    await clock.advance(1);
    expect(u.isUnavailable('aws/us-east-1/us-east-1a/p5.48xlarge/spot')).toBe(false);
    expect(u.reason('aws/us-east-1/us-east-1a/p5.48xlarge/spot')).toBeUndefined();
    expect(u.keys()).toEqual([]);
  });

  it('takes a TTL per mark, and marking again extends it', async () => {
    const clock = new FakeClock();
    const u = new UnavailableOfferings(clock);
    u.mark('k', 'first', 1000);
    await clock.advance(800);
    u.mark('k', 'again', 1000);
    await clock.advance(800);
    expect(u.reason('k')).toBe('again');
    await clock.advance(200);
    expect(u.isUnavailable('k')).toBe(false);
  });

  it('lists only live entries', async () => {
    const clock = new FakeClock();
    const u = new UnavailableOfferings(clock);
    u.mark('short', 'x', 10);
    u.mark('long', 'y', 1000);
    await clock.advance(10);
    expect(u.keys()).toEqual(['long']);
  });
});
