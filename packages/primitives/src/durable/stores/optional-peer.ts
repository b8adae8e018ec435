/**
 * Loads an optional peer dependency's default export, or says how to install it. The import
 * stays at the call site (`() => import('pg')`) so bundlers see the module name.
 */
export async function loadPeer<T>(
  owner: string,
  install: string,
  load: () => Promise<unknown>,
): Promise<T> {
  try {
    return ((await load()) as { default: T }).default;
  } catch (error) {
    throw new Error(`${owner} needs ${install.split('@')[0]}: npm install ${install}`, {
      cause: error,
    });
  }
}
