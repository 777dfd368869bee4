// What the fakes' auto-provisioning accepts as an email address: `local@domain.tld`, no spaces or
// slashes (so a path segment such as 'me' or an object id never counts).
const EMAIL = /^[^\s@/]+@([^\s@/]+\.[^\s@/]+)$/;

/** The domain of an email address, or undefined when `value` is not one. */
export const emailDomain = (value: string): string | undefined => EMAIL.exec(value)?.[1];
