/** SheetJS's CRC32C module (`crc-32/crc32c`): the same functions as the package's CRC32, typed there only for its main module. */
declare module 'crc-32/crc32c' {
  const CRC32C: typeof import('crc-32');
  export default CRC32C;
}
