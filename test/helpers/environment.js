/**
 * Jest's node environment with the host's typed-array constructors. onnxruntime-node hands back
 * tensors whose data is a Float32Array of the host realm; inside jest's sandbox `instanceof
 * Float32Array` would then fail (microsoft/onnxruntime#16622-style realm mismatch).
 */
const { TestEnvironment } = require('jest-environment-node');

class KycflowEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray', 'ArrayBuffer']) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = KycflowEnvironment;
