import { createCanvas, loadImage } from '@napi-rs/canvas';
import { applyStructure, lookAlikeCodes, oneLookAlikeApart, readMrzGlyphs, resolveAmbiguities, zerosAmongDigits } from '../../../documents/readers/glyph-reader';
import { buildTd1, buildTd2, buildTd3 } from '../../../documents/mrz/build';
import { checkDigitCount, validCheckDigits } from '../../../documents/mrz/layout';
import { renderDocument, type RenderOptions } from '../../../corpus/render';
import { seededRandom } from '../../../lib/random';
import { PERSON } from '../../helpers/documents';

/** OCR of the MRZ on generated images: every character read, glyph by glyph, without Tesseract. */
describe('the MRZ glyph reader', () => {
  const read = async (options: Partial<RenderOptions> & Pick<RenderOptions, 'kind'>) =>
    readMrzGlyphs(await loadImage(renderDocument({ person: PERSON, random: seededRandom(5), ...options })));

  const td3 = buildTd3(PERSON);
  const td1 = buildTd1({ ...PERSON, documentNumber: 'ZR81F03X2' });
  const td2 = buildTd2({ ...PERSON, documentNumber: 'T22000129' });

  it.each<[string, Partial<RenderOptions> & Pick<RenderOptions, 'kind'>, string[]]>([
    ['a passport (TD3)', { kind: 'passport' }, td3],
    ['an ID card (TD1)', { kind: 'id_card', person: { ...PERSON, documentNumber: 'ZR81F03X2' } }, td1],
    ['a TD2 card', { kind: 'id_card', mrzLines: td2 }, td2],
    ['a photo turned 2.5° clockwise, with noise', { kind: 'passport', rotation: 2.5, noise: 0.05 }, td3],
    ['a photo turned 2° anticlockwise', { kind: 'id_card', person: { ...PERSON, documentNumber: 'ZR81F03X2' }, rotation: -2 }, td1],
    ['a JPEG', { kind: 'passport', format: 'jpeg' }, td3],
    ['a low-resolution scan (half size)', { kind: 'passport', scale: 0.5 }, td3],
    ['a slightly blurred image', { kind: 'passport', blur: 1 }, td3],
    ['a photo turned 6° with noise', { kind: 'passport', rotation: 6, noise: 0.08 }, td3],
    ['a photo turned 7° anticlockwise', { kind: 'passport', rotation: -7 }, td3],
  ])('reads %s exactly', async (_name, options, expected) => {
    const result = await read(options);
    expect(result).not.toBeNull();
    expect(result!.lines).toEqual(expected);
    expect(result!.format).toBe(expected.length === 3 ? 'TD1' : expected[0]!.length === 36 ? 'TD2' : 'TD3');
    expect(result!.complete).toBe(true);
    expect(result!.guessed).toBe(false);
    expect(result!.confidence).toBeGreaterThan(0.9);
  });

  it('reads a photo darkened by a shadow across it (a local threshold where one global threshold fails)', async () => {
    const page = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    const canvas = createCanvas(page.width, page.height);
    const g = canvas.getContext('2d');
    g.drawImage(page, 0, 0);
    const shadow = g.createLinearGradient(0, 0, page.width, 0);
    shadow.addColorStop(0, 'rgba(0,0,0,0)');
    shadow.addColorStop(1, 'rgba(0,0,0,0.55)');
    g.fillStyle = shadow;
    g.fillRect(0, 0, page.width, page.height);
    const result = await readMrzGlyphs(await loadImage(canvas.toBuffer('image/png')));
    expect(result?.lines).toEqual(td3);
  });

  it('reads an MRZ under a dense security print (a second threshold between ink and print; structure for crossed fillers)', async () => {
    const page = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    const canvas = createCanvas(page.width, page.height);
    const g = canvas.getContext('2d');
    g.drawImage(page, 0, 0);
    g.strokeStyle = '#6a8fc0';
    g.globalAlpha = 0.5;
    g.lineWidth = 1.5;
    for (let k = 0; k < 60; k++) {
      g.beginPath();
      for (let x = 0; x <= canvas.width; x += 4) {
        const y = canvas.height - 200 + k * 3.5 + 12 * Math.sin(x / 37 + k * 0.7);
        if (x === 0) g.moveTo(x, y);
        else g.lineTo(x, y);
      }
      g.stroke();
    }
    const result = await readMrzGlyphs(await loadImage(canvas.toBuffer('image/png')));
    expect(result?.lines).toEqual(td3);
  });

  it.each([180, 90, -90])('reads a photo turned by %d°', async (degrees) => {
    const page = await loadImage(renderDocument({ kind: 'id_card', person: { ...PERSON, documentNumber: 'ZR81F03X2' } }));
    const sideways = Math.abs(degrees) === 90;
    const canvas = createCanvas(sideways ? page.height : page.width, sideways ? page.width : page.height);
    const g = canvas.getContext('2d');
    g.translate(canvas.width / 2, canvas.height / 2);
    g.rotate((degrees * Math.PI) / 180);
    g.drawImage(page, -page.width / 2, -page.height / 2);
    const result = await readMrzGlyphs(await loadImage(canvas.toBuffer('image/png')));
    expect(result?.lines).toEqual(td1);
  });

  it('measures the skew it corrected', async () => {
    const result = await read({ kind: 'passport', rotation: 3 });
    expect(Math.abs(result!.skew - 3)).toBeLessThanOrEqual(0.4);
  });

  it('reads a forged check digit as printed: it never repairs a clearly printed digit', async () => {
    const forged = td3[1]!.slice(0, 9) + String((Number(td3[1]![9]) + 4) % 10) + td3[1]!.slice(10);
    const result = await read({ kind: 'passport', mrzLines: [td3[0]!, forged] });
    expect(result!.lines).toEqual([td3[0], forged]);
    expect(validCheckDigits('TD3', result!.lines)).toBeLessThan(checkDigitCount('TD3'));
  });

  it('reads an altered birth date as printed', async () => {
    const altered = td3[1]!.slice(0, 13) + '900101' + td3[1]!.slice(19);
    const result = await read({ kind: 'passport', mrzLines: [td3[0]!, altered] });
    expect(result!.lines[1]).toBe(altered);
  });

  it('finds no MRZ on a page without one', async () => {
    expect(await read({ kind: 'passport', mrzLines: ['THIS PAGE HAS NO', 'MACHINE READABLE ZONE'] })).toBeNull();
  });
});

/** The check-digit resolution on hand-made readings: what it may change, and what it never does. */
describe('resolving ambiguous glyphs with the check digits', () => {
  const none = new Float32Array(0);
  // Each position read as printed with a clear margin, except where `doubt` gives a close runner-up.
  const readingsOf = (lines: string[], doubt: Record<string, string> = {}) =>
    lines.map((line, l) =>
      [...line].map((char, k) => {
        const runnerUp = doubt[`${l}:${k}`];
        const ranked = [{ char, distance: 1 }, ...(runnerUp ? [{ char: runnerUp, distance: 1.2 }] : []), ...[...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<'].filter((c) => c !== char && c !== runnerUp).map((c) => ({ char: c, distance: 30 }))];
        return { ranked, vector: none, print: none };
      }),
    );
  const genuine = buildTd3({ ...PERSON, documentNumber: 'K4T7Q92M1' });
  const misread = (lines: string[], line: number, index: number, char: string) => lines.map((l, i) => (i === line ? l.slice(0, index) + char + l.slice(index + 1) : l));

  it('reads an ambiguous glyph as its runner-up when that makes every check digit agree', () => {
    const read = misread(genuine, 1, 15, '6'); // birth date 880314 read 886314, the 6 doubtful (runner-up 0)
    const result = resolveAmbiguities('TD3', readingsOf(read, { '1:15': '0' }), read);
    expect(result).toEqual({ lines: genuine, guessed: false });
  });

  it('never changes a clearly printed character: a forged check digit stays forged', () => {
    const forged = misread(genuine, 1, 9, String((Number(genuine[1]![9]) + 3) % 10));
    expect(resolveAmbiguities('TD3', readingsOf(forged), forged)).toEqual({ lines: forged, guessed: false });
  });

  it('swaps a clear O for 0 in the document number only as a guess', () => {
    const withZero = buildTd3({ ...PERSON, documentNumber: 'K4T7Q90M1' });
    const read = misread(withZero, 1, 6, 'O');
    expect(resolveAmbiguities('TD3', readingsOf(read), read)).toEqual({ lines: withZero, guessed: true });
  });

  it('takes one O read as 0 over two unsure glyphs that would make the check digits agree too, as a guess', () => {
    // A French card's K682T8YLO read K682T8YL0 with both 8s unsure (runner-up 0): K602T0YL0 agrees
    // as well, but needs two changes where the O needs one.
    const printed = buildTd3({ ...PERSON, documentNumber: 'K682T8YLO' });
    const read = misread(printed, 1, 8, '0');
    const twoChanges = misread(misread(read, 1, 2, '0'), 1, 5, '0');
    expect(validCheckDigits('TD3', twoChanges)).toBe(checkDigitCount('TD3'));
    expect(resolveAmbiguities('TD3', readingsOf(read, { '1:2': '0', '1:5': '0' }), read)).toEqual({ lines: printed, guessed: true });
  });

  it('reads Os among a document number\'s digits as 0s where no check digit that agreed comes to disagree', () => {
    // XX000000 read XX0O0OO0: the three Os (24 each, at weights 7, 1 and 7) leave the check digit and
    // the composite agreeing, so only the number's own shape can tell.
    const printed = buildTd3({ ...PERSON, documentNumber: 'XX000000' });
    const read = misread(misread(misread(printed, 1, 3, 'O'), 1, 5, 'O'), 1, 6, 'O');
    expect(validCheckDigits('TD3', read)).toBe(checkDigitCount('TD3'));
    expect(zerosAmongDigits('TD3', read)).toEqual(printed);
    // An O among letters is printed so (a French card's K682T8YLO).
    const lettered = buildTd3({ ...PERSON, documentNumber: 'K682T8YLO' });
    expect(zerosAmongDigits('TD3', lettered)).toBe(lettered);
    // An O whose 0 would make an agreeing check digit disagree stays an O.
    const oneO = buildTd3({ ...PERSON, documentNumber: 'K4T7Q9OM1' });
    expect(zerosAmongDigits('TD3', oneO)).toBe(oneO);
    // A card's number (line 1 of three) likewise, where the O made its check digit disagree.
    const card = buildTd1({ ...PERSON, documentNumber: 'ZE000509' });
    const cardRead = misread(card, 0, 8, 'O');
    expect(validCheckDigits('TD1', cardRead)).toBeLessThan(checkDigitCount('TD1'));
    expect(zerosAmongDigits('TD1', cardRead)).toEqual(card);
  });

  it('takes nothing when two readings would both agree', () => {
    // Birth year 88 read as 08; reading the 0 as 8 fixes it, and so (for this line) would reading
    // the month's 0 at position 16 as 1. Two equally small readings: neither can be trusted.
    const read = misread(genuine, 1, 13, '0');
    const alternative = misread(read, 1, 16, '1');
    expect(validCheckDigits('TD3', alternative)).toBe(checkDigitCount('TD3'));
    expect(resolveAmbiguities('TD3', readingsOf(read, { '1:13': '8', '1:16': '1' }), read)).toEqual({ lines: read, guessed: false });
    // With only the first glyph in doubt, the reading is taken.
    expect(resolveAmbiguities('TD3', readingsOf(read, { '1:13': '8' }), read)).toEqual({ lines: genuine, guessed: false });
  });
  it('finds what trying every set of up to three runner-ups finds, among many unsure positions', () => {
    // The search works out again only the check digits a set of changes touches: on readings with
    // a dozen or more unsure positions it must settle exactly what trying every set settles.
    const random = seededRandom(11);
    const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const digits = [...'123456789'];
    // Line 2 of a passport, all but the nationality and sex: the positions some check digit covers.
    const covered = [...Array(44).keys()].filter((k) => k < 10 || (k > 12 && k !== 20));
    let settled = 0;
    for (let trial = 0; trial < 60; trial++) {
      const truth = buildTd3({ ...PERSON, documentNumber: `K${pick(digits)}T7Q${pick(digits)}2M${pick(digits)}`, personalNumber: `AB${pick(digits)}${pick(digits)}${pick(digits)}` });
      const doubt: Record<string, string> = {};
      let read: string[] = truth;
      // Up to three misread characters whose runner-up is what is printed, and unsure positions
      // read as printed whose runner-up is another digit.
      for (let n = Math.floor(random() * 4); n > 0; n--) {
        const k = pick(covered.filter((k) => /\d/.test(truth[1]![k]!)));
        const wrong = pick(digits.filter((d) => d !== truth[1]![k]));
        read = misread(read, 1, k, wrong);
        doubt[`1:${k}`] = truth[1]![k]!;
      }
      for (let n = 10 + Math.floor(random() * 10); n > 0; n--) {
        const k = pick(covered.filter((k) => /\d/.test(read[1]![k]!) && !doubt[`1:${k}`]));
        doubt[`1:${k}`] = pick(digits.filter((d) => d !== read[1]![k]));
      }
      const options = Object.entries(doubt).map(([key, char]) => ({ k: Number(key.split(':')[1]), char }));
      let expected: string[] = read;
      // A reading whose check digits all agree stands as read.
      for (let changes = validCheckDigits('TD3', read) === checkDigitCount('TD3') ? 4 : 1; changes <= 3; changes++) {
        const solutions: string[][] = [];
        const search = (from: number, left: number, lines: string[]) => {
          if (!left) return void (validCheckDigits('TD3', lines) === checkDigitCount('TD3') && solutions.push(lines));
          for (let i = from; i < options.length; i++) search(i + 1, left - 1, misread(lines, 1, options[i]!.k, options[i]!.char));
        };
        search(0, changes, read);
        if (solutions.length > 1) break;
        if (solutions.length === 1) {
          expected = solutions[0]!;
          break;
        }
      }
      if (expected !== read) settled++;
      expect(resolveAmbiguities('TD3', readingsOf(read, doubt), read).lines).toEqual(expected);
    }
    // Both outcomes occur: settled by a unique set, and left as read.
    expect(settled).toBeGreaterThan(10);
    expect(settled).toBeLessThan(60);
  });

  it("reads a state code outside the list as the document's other code, kept as printed (SI< twice)", () => {
    // A card's issuing state printed SI< read 51< with the 1 unclear; its nationality read SI< clearly.
    const card = ['I<SI<X12345678<<<<<<<<<<<<<<<<', '8803141F3001011SI<<<<<<<<<<<<0', 'SAMPLE<<TEST<<<<<<<<<<<<<<<<<<'];
    const read = [`I<51<${card[0]!.slice(5)}`, card[1]!, card[2]!];
    const codeOf = (lines: string[]) => lines[0]!.slice(2, 5);
    expect(codeOf(applyStructure('TD1', readingsOf(read, { '0:3': 'Y' }), read, { keepClearCodes: true }))).toBe('SI<');
    // With another nationality (a listed one) the unclear code is not taken for SI<.
    const french = [read[0]!, card[1]!.replace('SI<', 'FRA'), card[2]!];
    expect(codeOf(applyStructure('TD1', readingsOf(french, { '0:3': 'Y' }), french, { keepClearCodes: true }))).not.toBe('SI<');
  });

  it("keeps a clear letter of a code outside the list: a specimen's COU, its O unclear, is not COL for the U's far fourth choice", () => {
    const card = ['IRGBRZU12345673<<<<<<<<<<<<<<<', '6608198F0808088COU<<<<<<<<<<<6', 'SAMPLE<<SUSANNA<<<<<<<<<<<<<<<'];
    const readings = readingsOf(card, { '1:16': '0' });
    // The U read clearly, an L a distant second.
    readings[1]![17]!.ranked = [{ char: 'U', distance: 1 }, { char: 'L', distance: 8 }, ...readings[1]![17]!.ranked.slice(1).filter((r) => r.char !== 'L')];
    const nationality = (lines: string[]) => lines[1]!.slice(15, 18);
    expect(nationality(applyStructure('TD1', readings, card, { keepClearCodes: true }))).toBe('COU');
    // An unclear letter is still sought among its look-alikes for a listed code (C0L read C0U, L close).
    readings[1]![17]!.ranked = [{ char: 'U', distance: 1 }, { char: 'L', distance: 1.2 }, ...readings[1]![17]!.ranked.slice(2)];
    expect(nationality(applyStructure('TD1', readings, card, { keepClearCodes: true }))).toBe('COL');
  });

  it('reads a digit among the letters of a code as its look-alike letter (C0U is COU), a code of digits throughout as printed', () => {
    const card = ['IRGBRZU12345673<<<<<<<<<<<<<<<', '6608198F0808088C0U<<<<<<<<<<<6', 'SAMPLE<<SUSANNA<<<<<<<<<<<<<<<'];
    const nationality = (lines: string[]) => lines[1]!.slice(15, 18);
    // The 0 read clearly, as it is in a soft photo of the specimen.
    expect(nationality(applyStructure('TD1', readingsOf(card), card, { keepClearCodes: true }))).toBe('COU');
    // An old Romanian card prints its nationality as digits; those stay.
    const numeric = [card[0]!, card[1]!.replace('C0U', '132'), card[2]!];
    expect(nationality(applyStructure('TD1', readingsOf(numeric), numeric, { keepClearCodes: true }))).toBe('132');
    // Even where its digits are unclear (a photo: I, S and R close behind them), no listed code (ISR) is sought among letters.
    expect(nationality(applyStructure('TD1', readingsOf(numeric, { '1:15': 'I', '1:16': 'S', '1:17': 'R' }), numeric, { keepClearCodes: true }))).toBe('132');
    // A G read clearly as a 6 (a photo of the same card, 0.81 of the frame): GBR.
    const six = [card[0]!.replace('IRGBR', 'IR6BR'), ...card.slice(1)];
    expect(applyStructure('TD1', readingsOf(six), six, { keepClearCodes: true })[0]!.slice(2, 5)).toBe('GBR');
  });

  // A passport of `state` whose issuing state was read `read`, one position unsure (`doubt`): the
  // issuing state applyStructure makes of it.
  const issuingRead = (state: string, read: string, doubt: Record<string, string>) => {
    const printed = buildTd3({ ...PERSON, issuingState: state, nationality: state });
    const lines = [printed[0]!.replace(`P<${state}`, `P<${read}`), printed[1]!];
    return applyStructure('TD3', readingsOf(lines, doubt), lines)[0]!.slice(2, 5);
  };

  it('reads an unsure code that no combination of its letters makes a listed code as the one listed code a look-alike letter away (NLB is NLD)', () => {
    // The issuing state's D read clearly as B, its L unsure (an I close behind): no code has N, the
    // L's first choices, then B.
    expect(issuingRead('NLD', 'NLB', { '0:3': 'I' })).toBe('NLD');
    // A code with no listed code a look-alike letter away stays as read (a specimen's COU read CDU).
    expect(issuingRead('NLD', 'CDU', { '0:3': 'O' })).toBe('CDU');
  });

  it('reads an unsure code one letter from the other, listed, code as that code (CAV beside CAN)', () => {
    expect(issuingRead('CAN', 'CAV', { '0:4': 'Y' })).toBe('CAN');
    // Two letters from it, the code is sought among its own letters' choices.
    expect(issuingRead('CAN', 'CUV', { '0:4': 'Y' })).not.toBe('CAN');
  });

  it('reads a clear code outside the list one look-alike letter from the other, listed, code as that code (OAT above QAT)', () => {
    const qatari = buildTd3({ ...PERSON, issuingState: 'QAT', nationality: 'QAT' });
    const read = [qatari[0]!.replace('P<QAT', 'P<OAT'), qatari[1]!];
    const issuing = (lines: string[]) => lines[0]!.slice(2, 5);
    expect(issuing(applyStructure('TD3', readingsOf(read), read, { keepClearCodes: true }))).toBe('QAT');
    // Printed codes outside the list that are not a look-alike of the other stay as printed.
    const utopian = [qatari[0]!.replace('P<QAT', 'P<XYZ'), qatari[1]!];
    expect(issuing(applyStructure('TD3', readingsOf(utopian), utopian, { keepClearCodes: true }))).toBe('XYZ');
    expect(oneLookAlikeApart('OAT', 'QAT')).toBe(true);
    expect(oneLookAlikeApart('OAT', 'QAQ')).toBe(false);
    expect(oneLookAlikeApart('SAT', 'QAT')).toBe(false);
  });

  it('reads a clear code outside the list one look-alike letter from a single listed code as that code, however the other reads', () => {
    const qatari = buildTd3({ ...PERSON, issuingState: 'QAT', nationality: 'QAT' });
    const codes = (lines: string[]) => [lines[0]!.slice(2, 5), lines[1]!.slice(10, 13)];
    // Both read OAT: neither is a listed code for the other to follow.
    const both = [qatari[0]!.replace('P<QAT', 'P<OAT'), `${qatari[1]!.slice(0, 10)}OAT${qatari[1]!.slice(13)}`];
    expect(codes(applyStructure('TD3', readingsOf(both), both, { keepClearCodes: true }))).toEqual(['QAT', 'QAT']);
    // Germany's one-letter code read B, beside the old issuing code BDR (outside the list: it stays).
    const german = buildTd3({ ...PERSON, issuingState: 'BDR', nationality: 'D' });
    const read = [german[0]!, `${german[1]!.slice(0, 10)}B<<${german[1]!.slice(13)}`];
    expect(codes(applyStructure('TD3', readingsOf(read), read, { keepClearCodes: true }))).toEqual(['BDR', 'D<<']);
    // The codes the shared real documents print outside the list have no listed code so near.
    for (const printed of ['BDR', 'COU', 'INP', 'SI<', '132']) expect(lookAlikeCodes(printed)).toEqual([]);
    expect(lookAlikeCodes('NLB')).toEqual(['NLD']);
  });

  it("tidies a name field until it holds still: filler read as letters taken out, then the surname separator read as a C found", () => {
    // A photo's chevrons read as C/E/K, '<' close behind each (seed 36's r028): the run CCEC is filler,
    // which leaves OESP<<C<<<; that lone C is filler too, and the names then have no '<<' but "<C".
    const printed = ['P<ISLAEVARSDOTTIR<<THURIDUR<OESP<<<<<<<<<<<<', 'A2040611<0ISL1212123F1106297121212<1239<<<66'];
    const read = ['P<ISLAEVARSDOTTIR<CTHURIDUR<OESP<<C<<CCEC<ES', printed[1]!];
    const doubt = Object.fromEntries([18, 34, 37, 38, 39, 40, 42, 43].map((k) => [`0:${k}`, '<']));
    expect(applyStructure('TD3', readingsOf(read, doubt), read, { keepClearCodes: true })).toEqual(printed);
    // A C read clearly after a word's '<' is a name's letter ("DE<CASTRO"): with none of that doubt at 18, the C stays.
    const { '0:18': _, ...clear } = doubt;
    expect(applyStructure('TD3', readingsOf(read, clear), read, { keepClearCodes: true })[0]).toBe('P<ISLAEVARSDOTTIR<CTHURIDUR<OESP<<<<<<<<<<<<');
  });
});
