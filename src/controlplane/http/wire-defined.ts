// Wire bodies leave out what is null or undefined (Facets fields are optional strings, never null).
export function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined || value[key] === null) delete value[key];
  return value;
}
