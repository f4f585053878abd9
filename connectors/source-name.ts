import { z } from 'zod';

/** A source's name: staged as `source` on every row, so kept to characters safe in keys and file names. */
export const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export const SourceNameSchema = z.string().regex(SOURCE_NAME, 'letters, digits and . _ : - only');
