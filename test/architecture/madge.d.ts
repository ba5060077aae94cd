// madge 8 ships no types: the part of its API test/architecture/imports.test.ts uses.
declare module 'madge' {
  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    tsConfig?: string | object;
    excludeRegExp?: RegExp[];
    detectiveOptions?: Record<string, Record<string, unknown>>;
  }
  interface MadgeResult {
    /** File -> the files it imports, paths relative to baseDir. */
    obj(): Record<string, string[]>;
    circular(): string[][];
    /** Imports that could not be resolved to a file. */
    warnings(): { skipped: string[] };
  }
  export default function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
}
