// For tests that start fakes of their own: each one started through the returned function is closed
// after the test that started it.
export const closeAfterEach = <T extends { close(): Promise<void> }>(): ((fake: T) => T) => {
  const started: T[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((fake) => fake.close()));
  });
  return (fake) => {
    started.push(fake);
    return fake;
  };
};
