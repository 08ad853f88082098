import { describe, expect, it } from 'vitest';
import { regionClients } from '../../../shared/adapters/region-clients';

describe('regionClients', () => {
  it('creates one client per region and hands the same one out again', () => {
    const made: string[] = [];
    const clients = regionClients((region) => {
      made.push(region);
      return { region };
    });
    expect(clients.get('us-east-1')).toBe(clients.get('us-east-1'));
    clients.get('eu-central-2');
    expect(made).toEqual(['us-east-1', 'eu-central-2']);
  });

  it('refuses a string that is not a region name, so callers cannot grow it with junk', () => {
    const clients = regionClients((region) => ({ region }));
    for (const bad of ['', 'US-EAST-1', 'us-east-1/../x', 'localhost']) expect(() => clients.get(bad)).toThrow(RangeError);
    expect(clients.size).toBe(0);
  });

  it('keeps at most the bound, dropping the oldest, and clears (destroying) on request', () => {
    let destroyed = 0;
    const clients = regionClients((region) => ({ region, destroy: () => destroyed++ }), 2);
    const first = clients.get('us-east-1');
    clients.get('us-west-2');
    clients.get('eu-west-1');
    expect(clients.size).toBe(2);
    expect(clients.get('us-east-1')).not.toBe(first);
    clients.clear();
    expect(clients.size).toBe(0);
    expect(destroyed).toBe(2);
  });

  it('drops the least recently used client at the bound, so a region in steady use keeps its client', () => {
    const clients = regionClients((region) => ({ region }), 2);
    const busy = clients.get('us-east-1');
    clients.get('us-west-2');
    expect(clients.get('us-east-1')).toBe(busy);
    clients.get('eu-west-1');
    expect(clients.get('us-east-1')).toBe(busy);
  });
});
