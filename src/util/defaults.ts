/** Layering explicit options over defaults, where `undefined` means "not given" (not a value). */
export function withDefaults<T extends object>(defaults: Required<T>, options: T): Required<T> {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...defaults, ...given } as Required<T>;
}
