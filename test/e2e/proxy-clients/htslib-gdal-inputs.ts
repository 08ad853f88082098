/**
 * Generated inputs for the htslib and GDAL client tests: random reads, a reference and rasters, made at test time so
 * no binary fixture is kept in the repository; the tools themselves turn them into BAM, FASTA index and COG.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** A SAM of `reads` unsorted single-end reads of `length` bases on chr1 and chr2 (20 kb each). */
export function samText(reads: number, length: number): string {
  const noise = randomBytes(reads * (length + 3));
  const lines = ['@HD\tVN:1.6\tSO:unsorted', '@SQ\tSN:chr1\tLN:20000', '@SQ\tSN:chr2\tLN:20000'];
  for (let i = 0, at = 0; i < reads; i++, at += length + 3) {
    const chrom = noise[at]! & 1 ? 'chr2' : 'chr1';
    const pos = 1 + (noise.readUInt16LE(at + 1) % (20000 - length));
    const seq = bases(noise.subarray(at + 3, at + 3 + length));
    const qual = Buffer.from(noise.subarray(at + 3, at + 3 + length).map((b) => 35 + (b >> 3))).toString('latin1');
    lines.push(`read${i}\t0\t${chrom}\t${pos}\t60\t${length}M\t*\t0\t0\t${seq}\t${qual}`);
  }
  return `${lines.join('\n')}\n`;
}
const ACGT = Buffer.from('ACGT');
/** The random bytes `noise` as bases, one each. */
const bases = (noise: Uint8Array): string => Buffer.from(noise.map((b) => ACGT[b & 3]!)).toString('latin1');

/** A FASTA of chr1 and chr2 (20 kb each, 60 bases a line). */
export function fasta(): string {
  const chromosome = (name: string) =>
    `>${name}\n${bases(randomBytes(20000))
      .match(/.{1,60}/g)!
      .join('\n')}\n`;
  return chromosome('chr1') + chromosome('chr2');
}

/** An ENVI raster `base`.raw + `base`.hdr of random bytes, which GDAL reads as `bands` bands of width x height. */
export function envi(base: string, width: number, height: number, bands: number): string {
  writeFileSync(`${base}.raw`, randomBytes(width * height * bands));
  writeFileSync(
    `${base}.hdr`,
    `ENVI\nsamples = ${width}\nlines = ${height}\nbands = ${bands}\nheader offset = 0\nfile type = ENVI Standard\ndata type = ` +
      `1\ninterleave = bsq\nbyte order = 0\n`,
  );
  return `${base}.raw`;
}
