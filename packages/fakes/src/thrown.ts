// For unit tests that assert which of our errors a call throws.

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The `ErrorClass` error `call` throws; undefined when it returns; any other error is thrown on. */
const caught = <E extends Error>(call: () => unknown, errorClass: ErrorClass<E>): E | undefined => {
  try {
    call();
  } catch (error) {
    if (error instanceof errorClass) return error;
    throw error;
  }
  return undefined;
};

/** The `ErrorClass` error that `call` throws; the test fails when it throws none or another. */
export const errorThrownBy = <E extends Error>(call: () => unknown, errorClass: ErrorClass<E>): E => {
  const error = caught(call, errorClass);
  if (!error) throw new Error(`expected a ${errorClass.name}`);
  return error;
};

/** The code of the `ErrorClass` error that `call` throws, or `otherwise` when it returns. */
export const codeThrownBy = (
  call: () => unknown,
  errorClass: ErrorClass<Error & { code: string }>,
  otherwise: string,
): string => caught(call, errorClass)?.code ?? otherwise;
