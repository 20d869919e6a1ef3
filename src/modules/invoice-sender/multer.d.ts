// The part of multer's API Koppel uses (multer ships no types; @types/multer is not installed).
declare module 'multer' {
  import type { RequestHandler } from 'express';
  interface Options {
    storage?: unknown;
    limits?: { fileSize?: number; files?: number; fields?: number; fieldSize?: number; parts?: number };
  }
  interface Multer {
    single(field: string): RequestHandler;
  }
  function multer(options?: Options): Multer;
  namespace multer {
    function memoryStorage(): unknown;
  }
  export default multer;
}
