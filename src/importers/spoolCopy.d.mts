/** A gzip file decompressed to `readPath`, or why not: `error` (its stream is damaged) or `writeError` (the copy could not be written). */
export type CopyResult =
  | { fileId: number; readPath: string; contentBytes: number; error?: undefined; writeError?: undefined }
  | { fileId: number; error: string; readPath?: undefined; writeError?: undefined }
  | { fileId: number; writeError: string; readPath?: undefined; error?: undefined };

export function copyOne(dir: string, fileId: number, src: string): Promise<CopyResult>;
export function copyAll(dir: string, files: ReadonlyArray<{ fileId: number; path: string }>, limit: number): Promise<CopyResult[]>;
