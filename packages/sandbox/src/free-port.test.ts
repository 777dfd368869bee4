import { findFreePort } from './redis-server';

describe('findFreePort', () => {
  it('never hands the same port out twice in one process, even when the OS offers it again', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 300; i += 1) ports.push(await findFreePort());
    expect(new Set(ports).size).toBe(ports.length);
  });
});
