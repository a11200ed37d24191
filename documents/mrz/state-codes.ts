/**
 * ICAO 9303 codes the `mrz` package does not list as states: the specimen state Utopia, Germany's
 * one-letter code, British nationality classes, Kosovo, EU and UN travel documents, and the codes
 * for stateless persons and refugees.
 */
export const SPECIAL_STATE_CODES = new Set([
  'UTO', 'D', 'EUE', 'UNO', 'UNA', 'UNK', 'XXA', 'XXB', 'XXC', 'XXX', 'XBA', 'XIM', 'XCC', 'XCE', 'XCO', 'XEC', 'XPO', 'XES',
  'XMP', 'XOM', 'XDC', 'GBD', 'GBN', 'GBO', 'GBP', 'GBS', 'RKS',
]);
